"""The public API: an explicit, tested ``__all__``; every public callable documented."""

from __future__ import annotations

import inspect

import khabar


def test_all_names_exist_and_nothing_public_is_missing():
    for name in khabar.__all__:
        assert hasattr(khabar, name), name
    public_functions = {
        n
        for n, v in vars(khabar).items()
        if inspect.isfunction(v) and not n.startswith("_") and v.__module__ == "khabar"
    }
    assert public_functions <= set(khabar.__all__), public_functions - set(khabar.__all__)


def test_public_callables_have_docstrings_that_open_with_a_sentence():
    for name in khabar.__all__:
        value = getattr(khabar, name)
        if callable(value) and not isinstance(value, type(khabar)):
            doc = inspect.getdoc(value) or ""
            assert doc and doc.splitlines()[0].rstrip().endswith((".", ":", ")")), name


def test_errors_form_one_tree_with_codes_and_statuses():
    for name in ("NotFound", "Ambiguous", "InputError", "ModelNotFound", "SettingError", "StoreError"):
        error = getattr(khabar, name)
        assert issubclass(error, khabar.KhabarError)
        assert error.code.startswith("E") and error.exit_code > 0 and 400 <= error.http_status < 600
