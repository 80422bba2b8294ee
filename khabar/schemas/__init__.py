"""JSON Schemas of khabar's documents, one file per document, named like ``khabar.dossier/2``.

Every JSON document khabar writes (``--format json`` of the CLI, :func:`khabar.to_json`, ``/api/*``)
names its schema in a ``schema`` field; the files here are the contract, and ``/openapi.json``
embeds them. Files refer to each other by relative ``$ref`` (``common-2.json#/$defs/citation``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["SCHEMAS", "schema", "schema_file", "validate", "openapi_components", "component_ref"]

# schema name -> file in this package
SCHEMAS = {
    "khabar.dossier/2": "dossier-2.json",
    "khabar.search/2": "search-2.json",
    "khabar.article/2": "article-2.json",
    "khabar.events/2": "events-2.json",
    "khabar.event/2": "event-2.json",
    "khabar.compare/2": "compare-2.json",
    "khabar.lineage/2": "lineage-2.json",
    "khabar.edits/2": "edits-2.json",
    "khabar.entities/2": "entities-2.json",
    "khabar.articles/2": "articles-2.json",
}
_COMMON = "common-2.json"


@cache
def schema_file(filename: str) -> dict[str, Any]:
    """The parsed schema file ``filename`` of this package."""
    return json.loads(resources.files(__name__).joinpath(filename).read_text("utf-8"))


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of document ``name`` (``khabar.dossier/2``)."""
    try:
        return schema_file(SCHEMAS[name])
    except KeyError:
        raise KeyError(f"no schema {name!r}; known: {', '.join(SCHEMAS)}") from None


def validate(document: dict[str, Any], name: str | None = None) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``document`` follows its schema (its ``schema`` field)."""
    import jsonschema
    from referencing import Registry, Resource

    resources_ = [(schema_file(f)["$id"], Resource.from_contents(schema_file(f))) for f in {*SCHEMAS.values(), _COMMON}]
    registry = Registry().with_resources(resources_)
    target = schema(name or document.get("schema", ""))
    jsonschema.Draft202012Validator(target, registry=registry).validate(document)


def _component(filename: str) -> str:
    return "khabar." + filename.removesuffix(".json")  # dossier-2.json -> khabar.dossier-2


def _rewrite_refs(node: Any, filename: str) -> Any:
    """Relative file refs -> OpenAPI component refs (``#/components/schemas/khabar.common-2/$defs/x``)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target, _, pointer = value.partition("#")
                component = _component(target or filename)
                out[key] = f"#/components/schemas/{component}{pointer}"
            elif key in ("$id", "$schema"):
                continue
            else:
                out[key] = _rewrite_refs(value, filename)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, filename) for v in node]
    return node


def openapi_components() -> dict[str, dict[str, Any]]:
    """Every schema file as an OpenAPI 3.1 component (refs rewritten to point inside the document)."""
    return {_component(f): _rewrite_refs(schema_file(f), f) for f in sorted({*SCHEMAS.values(), _COMMON})}


def component_ref(name: str) -> dict[str, str]:
    """``{"$ref": ...}`` to the OpenAPI component of document ``name``."""
    return {"$ref": f"#/components/schemas/{_component(SCHEMAS[name])}"}
