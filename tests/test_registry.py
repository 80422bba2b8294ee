"""The shipped reference registry is consistent and resolves names the way analysts expect."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

from khabar.registry import load_registry


def test_registry_validator_finds_no_errors():
    script = ROOT / "khabar" / "data" / "registry" / "validate_registry.py"
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_affiliate_is_not_its_parent():
    registry = load_registry()
    assert registry.lookup("ISIS-K") == ["actor:iskp"]
    assert registry.lookup("Islamic State Khorasan Province") == ["actor:iskp"]
    assert registry.lookup("Islamic State") == ["actor:islamic-state"]
    iskp = registry.actor("iskp")
    assert iskp.parent == "islamic-state" and iskp.parent_relation == "affiliate_of"


def test_shared_names_are_ambiguous_not_silently_one_actor():
    registry = load_registry()
    assert len(registry.ambiguous("al-Shabaab")) >= 2
    assert registry.lookup("al-Shabaab") == []


def test_people_sharing_a_surname_are_separate():
    registry = load_registry()
    ids = {registry.lookup(n)[0] for n in ("Sirajuddin Haqqani", "Khalil Haqqani", "Jalaluddin Haqqani")}
    assert len(ids) == 3


def test_predecessors_are_linked_entries_not_aliases():
    from khabar.entities import registry_links

    registry = load_registry()
    assert registry.lookup("AQI") == ["actor:al-qaeda-in-iraq"]
    assert registry.lookup("al-Qaeda in Iraq") == ["actor:al-qaeda-in-iraq"]
    assert registry.lookup("Islamic State of Iraq") == ["actor:islamic-state-of-iraq"]
    assert "Islamic State of Iraq" not in registry.actor("islamic-state").names
    links = set(registry_links("actor:islamic-state", registry))
    assert ("successor_of", "actor:islamic-state-of-iraq", "") in links
    assert ("predecessor_of", "actor:islamic-state", "") in set(registry_links("actor:islamic-state-of-iraq", registry))
