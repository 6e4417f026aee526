"""Generated functions share their compiled text, never their names: each definition reads its own namespace."""

from graph_model.generated import _code, define

SOURCE = "def scaled(v):\n    return [FACTOR * x for x in v]\n"


def test_one_text_compiled_once_serves_definitions_with_their_own_namespaces() -> None:
    _code.cache_clear()
    double = define(SOURCE, "scaled", {"FACTOR": 2}, "<test>")
    triple = define(SOURCE, "scaled", {"FACTOR": 3}, "<test>")
    assert double([1, 2]) == [2, 4] and triple([1, 2]) == [3, 6]
    assert _code.cache_info().misses == 1 and _code.cache_info().hits == 1
