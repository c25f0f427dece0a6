"""Forward/backward pairs for every layer the course derives (see HELPERS_API.md)."""
