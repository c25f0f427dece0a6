# nbgrader's configuration for the classroom edition of Backprop by Hand. scripts/classroom.py
# copies this file into a new course folder (build/classroom/nbgrader_config.py) and leaves an
# existing copy alone; run every `nbgrader …` command from that folder. Edit the copy for your
# own course (course_id, c.Exchange.root, the timeout), or this template for new course folders.
c = get_config()  # noqa: F821 - nbgrader defines get_config() when it reads this file

c.CourseDirectory.course_id = "backprop-by-hand"

# A solution region ("### BEGIN SOLUTION" … "### END SOLUTION") is replaced by this one line:
# the exercise's own stub stays around it (signature, docstring, TODO comments, `return None`),
# so the student version reads like the self-study course and its checker says "not yet".
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}

# Keep the lesson's outputs (figures, printed checks) in the student version: students read it
# as the self-study notebook. The exercise and test cells are built without outputs.
c.ClearOutput.enabled = False

# The autograder runs every cell of a lesson; the capstone trains for tens of seconds.
c.Execute.timeout = 600
