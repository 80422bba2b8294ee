#!/usr/bin/env python3
"""Consistency checks for the khabar reference registry (groups.toml, people.toml).

Usage:  python3 khabar/data/registry/validate_registry.py [REGISTRY_DIR]

Exits 1 if any error is found; warnings are printed but do not fail.
ISO country codes are checked against pycountry when it is importable,
otherwise only their shape (two upper-case letters) is checked.
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

KINDS = {"armed_group", "state_force", "government", "international_org", "political_org", "private_military"}
RELATIONS = {"affiliate_of", "faction_of", "splinter_of", "wing_of", "branch_of", "successor_of", "part_of"}
ROLES = {"leader", "founder", "spokesman", "commander", "deputy_leader"}
ACTOR_FIELDS = {
    "id",
    "name",
    "kind",
    "description",
    "aliases",
    "ambiguous_aliases",
    "former_names",
    "parent",
    "parent_relation",
    "linked_to",
    "rivals",
    "countries",
    "founded",
    "dissolved",
    "wikidata",
}
PERSON_FIELDS = {"id", "name", "aliases", "ambiguous_aliases", "roles", "description", "died", "countries", "wikidata"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2]))?$")
QID_RE = re.compile(r"^Q[1-9]\d*$")
EXTRA_COUNTRIES = {"XK"}  # Kosovo: user-assigned code, widely used


def norm(s: str) -> str:
    """Case-insensitive key ignoring punctuation, spaces and diacritics."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(ch for ch in s if ch.isalnum())


def country_checker():
    try:
        import pycountry  # type: ignore

        codes = {c.alpha_2 for c in pycountry.countries} | EXTRA_COUNTRIES
        return lambda c: c in codes
    except Exception:
        return lambda c: bool(re.fullmatch(r"[A-Z]{2}", c))


def check_entries(entries, kind_label, fields, errors, warnings, valid_country):
    ids = set()
    for e in entries:
        eid = e.get("id", "<missing id>")
        for k in e:
            if k not in fields:
                errors.append(f"{kind_label} {eid}: unknown field {k!r}")
        if not ID_RE.match(eid):
            errors.append(f"{kind_label} {eid}: id must match [a-z0-9-]")
        if eid in ids:
            errors.append(f"{kind_label} {eid}: duplicate id")
        ids.add(eid)
        if not e.get("name"):
            errors.append(f"{kind_label} {eid}: missing name")
        for c in e.get("countries", []):
            if not valid_country(c):
                errors.append(f"{kind_label} {eid}: bad country code {c!r}")
        if len(set(e.get("countries", []))) != len(e.get("countries", [])):
            warnings.append(f"{kind_label} {eid}: duplicate country code")
        for f in ("founded", "dissolved", "died"):
            if f in e and not DATE_RE.match(e[f]):
                errors.append(f"{kind_label} {eid}: {f} must be YYYY or YYYY-MM, got {e[f]!r}")
        if "wikidata" in e and not QID_RE.match(e["wikidata"]):
            errors.append(f"{kind_label} {eid}: malformed wikidata id {e['wikidata']!r}")
        if "description" in e and (len(e["description"]) > 220 or e["description"].count(". ") > 0):
            warnings.append(f"{kind_label} {eid}: description should be one short sentence")
    return ids


def check_aliases(entries, kind_label, errors, warnings):
    """Surface-form rules (keys compared with norm()):
    - a name is unique among entries of the same file;
    - a form in `aliases` belongs to exactly one entry and is nobody else's name;
    - a form in `ambiguous_aliases` must not appear in any entry's `aliases`;
    - every former name is also listed in `aliases` or `ambiguous_aliases`.
    """
    names = defaultdict(set)
    plain = defaultdict(set)
    ambig = defaultdict(set)
    for e in entries:
        eid = e["id"]
        names[norm(e["name"])].add(eid)
        for a in e.get("aliases", []):
            plain[norm(a)].add(eid)
        for a in e.get("ambiguous_aliases", []):
            ambig[norm(a)].add(eid)
        listed = {norm(a) for a in e.get("aliases", []) + e.get("ambiguous_aliases", [])}
        for f in e.get("former_names", []):
            if norm(f) not in listed:
                errors.append(f"{kind_label} {eid}: former name {f!r} not listed in aliases/ambiguous_aliases")
        own_dupes = set(map(norm, e.get("aliases", []))) & set(map(norm, e.get("ambiguous_aliases", [])))
        if own_dupes:
            errors.append(f"{kind_label} {eid}: form(s) in both aliases and ambiguous_aliases: {sorted(own_dupes)}")
        for a in e.get("aliases", []) + e.get("ambiguous_aliases", []):
            if not norm(a):
                errors.append(f"{kind_label} {eid}: empty alias after normalisation: {a!r}")
    for key, owners in names.items():
        if len(owners) > 1:
            errors.append(f"{kind_label}: name shared by {sorted(owners)} ({key!r})")
    for key, owners in plain.items():
        if len(owners) > 1:
            errors.append(f"{kind_label}: alias {key!r} in `aliases` of several entries: {sorted(owners)}")
        other_names = names.get(key, set()) - owners
        if other_names:
            errors.append(f"{kind_label}: alias {key!r} of {sorted(owners)} is the name of {sorted(other_names)}")
        if key in ambig:
            errors.append(
                f"{kind_label}: {key!r} is a plain alias of {sorted(owners)} "
                f"but ambiguous for {sorted(ambig[key])}; list it as ambiguous everywhere"
            )
    for key, owners in ambig.items():
        users = owners | names.get(key, set())
        if len(users) < 2:
            warnings.append(f"{kind_label}: ambiguous alias {key!r} used only by {sorted(owners)}")
    return plain, names


def main(argv):
    reg = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    groups = tomllib.loads((reg / "groups.toml").read_text(encoding="utf-8"))["actor"]
    people = tomllib.loads((reg / "people.toml").read_text(encoding="utf-8"))["person"]
    errors: list[str] = []
    warnings: list[str] = []
    valid_country = country_checker()

    actor_ids = check_entries(groups, "actor", ACTOR_FIELDS, errors, warnings, valid_country)
    person_ids = check_entries(people, "person", PERSON_FIELDS, errors, warnings, valid_country)
    for dup in sorted(actor_ids & person_ids):
        errors.append(f"id {dup!r} used for both an actor and a person")

    for e in groups:
        eid = e["id"]
        if e.get("kind") not in KINDS:
            errors.append(f"actor {eid}: bad kind {e.get('kind')!r}")
        if ("parent" in e) != ("parent_relation" in e):
            errors.append(f"actor {eid}: parent and parent_relation must be given together")
        if "parent_relation" in e and e["parent_relation"] not in RELATIONS:
            errors.append(f"actor {eid}: bad parent_relation {e['parent_relation']!r}")
        if e.get("parent") == eid:
            errors.append(f"actor {eid}: is its own parent")
        refs = ([e["parent"]] if "parent" in e else []) + e.get("linked_to", []) + e.get("rivals", [])
        for r in refs:
            if r not in actor_ids:
                errors.append(f"actor {eid}: unknown actor id {r!r}")
            if r == eid and r != e.get("parent"):
                errors.append(f"actor {eid}: refers to itself")
        if set(e.get("linked_to", [])) & set(e.get("rivals", [])):
            errors.append(f"actor {eid}: same id in linked_to and rivals")
    # parent cycles
    parent = {e["id"]: e.get("parent") for e in groups}
    for start in parent:
        seen, cur = set(), start
        while cur:
            if cur in seen:
                errors.append(f"actor {start}: parent cycle")
                break
            seen.add(cur)
            cur = parent.get(cur)

    for p in people:
        pid = p["id"]
        if not p.get("roles"):
            errors.append(f"person {pid}: no roles")
        for r in p.get("roles", []):
            if r.get("actor") not in actor_ids:
                errors.append(f"person {pid}: unknown actor id {r.get('actor')!r}")
            if r.get("role") not in ROLES:
                errors.append(f"person {pid}: bad role {r.get('role')!r}")
            if "since" in r and not DATE_RE.match(r["since"]):
                errors.append(f"person {pid}: bad since {r['since']!r}")
            extra = set(r) - {"actor", "role", "since"}
            if extra:
                errors.append(f"person {pid}: unknown role fields {sorted(extra)}")

    g_plain, g_names = check_aliases(groups, "actor", errors, warnings)
    p_plain, p_names = check_aliases(people, "person", errors, warnings)
    for key in sorted((set(p_plain) | set(p_names)) & (set(g_plain) | set(g_names))):
        warnings.append(f"person/actor surface form overlap: {key!r}")

    for w in warnings:
        print("WARNING:", w)
    for e in errors:
        print("ERROR:", e)
    kinds = defaultdict(int)
    for e in groups:
        kinds[e.get("kind")] += 1
    print(
        f"actors: {len(groups)} ({', '.join(f'{k}={v}' for k, v in sorted(kinds.items()))}); "
        f"people: {len(people)}; errors: {len(errors)}; warnings: {len(warnings)}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
