"""Matplotlib SVGs without CSS: style attributes and the <style> block become presentation attributes.

The web app's Content-Security-Policy forbids inline styles, so an SVG that matplotlib styles with
``style="fill: #fff; stroke: ..."`` renders black when opened alone. SVG has a presentation
attribute for each property matplotlib writes (fill, stroke, stroke-width, opacity ...), which CSP
does not touch; this rewrite keeps the picture identical.
"""

from __future__ import annotations

import re

__all__ = ["without_css"]

_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def _attributes(css: str) -> str:
    parts = []
    for declaration in css.split(";"):
        name, sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip().replace('"', "'")
        if sep and re.fullmatch(r"[a-z-]+", name) and value:
            parts.append(f' {name}="{value}"')
    return "".join(parts)


def without_css(svg: str) -> str:
    """``svg`` with every ``style`` attribute and ``<style>`` element turned into presentation attributes."""
    block = _STYLE_BLOCK.search(svg)
    root_rules = ""
    if block:  # matplotlib writes one rule, "*{stroke-linejoin: round; stroke-linecap: butt}": inherited from the root
        root_rules = "".join(_attributes(rule) for rule in re.findall(r"\{([^}]*)\}", block.group(1)))
        svg = svg[: block.start()] + svg[block.end() :]
    svg = _STYLE_ATTR.sub(lambda m: _attributes(m.group(1)), svg)
    return re.sub(r"<svg\b", "<svg" + root_rules, svg, count=1) if root_rules else svg
