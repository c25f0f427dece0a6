import types

import ipywidgets


def test_widget_names_are_functions_even_when_a_module_shares_the_name():
    import helpers.widgets.gradient_flow  # noqa: F401  (sets the package attribute first)
    from helpers.widgets import activation_explorer, gradient_flow

    assert not isinstance(gradient_flow, types.ModuleType)
    assert callable(gradient_flow) and callable(activation_explorer)


def test_every_notebook_widget_is_exported_once():
    import helpers.widgets as hw

    assert len(hw.__all__) == len(set(hw.__all__)), "two widget modules export the same name"
    for name in ["gradient_flow", "activation_explorer", "training_explorer",
                 "jacobian_explorer", "receptive_field", "vanishing_explorer",
                 "gradient_highway_explorer", "normalization_explorer", "embedding_explorer",
                 "attention_explorer"]:
        assert callable(getattr(hw, name)), name


def test_default_widgets_build_without_arguments():
    import helpers.widgets as hw

    for name in ["gradient_flow", "activation_explorer", "jacobian_explorer",
                 "receptive_field", "vanishing_explorer", "normalization_explorer",
                 "attention_explorer"]:
        assert isinstance(getattr(hw, name)(), ipywidgets.Widget), name
