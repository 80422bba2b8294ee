"""Who is said to be behind an attack, how firmly, and who says so (from one sentence's parse).

Statuses: ``claimed`` ("X claimed responsibility", "X said it had carried out the attack", "X said
its fighters had attacked", "a statement claiming the attack in the name of X"), ``attributed``
(officials blame X, "X was behind it", "the attacker belonged to a network linked to X"),
``suspected`` ("suspected", "believed", "suspicion has fallen on X", "pointed to X") and ``denied``
("X denied that the group was behind it"). "The group", "it" and "which" refer back to the group
just named; a capitalised proper noun the NER missed ("Deccan Mujahideen") is taken as a group.
"""

from __future__ import annotations

from ..models import Perpetrator
from ..names import label_class
from .lexicon import Lexicon, lexicon
from .syntax import (
    GROUP_WORDS,
    NOT_A_GROUP,
    PLACE_WORDS,
    Name,
    is_generic,
    is_groupish,
    is_hypothetical,
    is_negated,
    is_unreal,
    token_at,
    widen,
)

__all__ = ["perpetrators", "topic_group", "acting_forces"]

# Verbs of an attack whose subject (or passive agent) is the perpetrator: "the rebels set off two
# bombs", "Turkish forces shelled the village", "the post was attacked by al-Shabaab fighters".
_ACT_LEMMAS = frozenset(
    {
        "attack",
        "bomb",
        "shell",
        "shoot",
        "ambush",
        "storm",
        "raid",
        "assault",
        "stab",
        "assassinate",
        "kidnap",
        "abduct",
        "hijack",
        "torch",
        "kill",
        "wound",
        "injure",
        "behead",
        "execute",
        "murder",
        "massacre",
        "detonate",
        "fire",
        "target",
        "loot",
        "seize",
        "lynch",
        "set",
        "blow",
        "open",
        "slay",
        "overrun",
        "besiege",
        "gun",
        "hack",
        "burn",
        "plant",
    }
)
# Nouns of armed men that, with a nationality, a state or an organisation in front, name who acted
# ("Turkish forces", "FARDC soldiers", "Afghan police"). Alone ("gunmen", "militants") they name no one.
_FORCE_NOUNS = frozenset(
    {
        "force",
        "forces",
        "troop",
        "troops",
        "army",
        "soldier",
        "soldiers",
        "police",
        "policeman",
        "policemen",
        "military",
        "officer",
        "officers",
        "commando",
        "commandos",
        "guard",
        "guards",
        "personnel",
        "militia",
        "militiaman",
        "militiamen",
        "navy",
        "gendarme",
        "gendarmes",
    }
)
# What security forces also do to end an attack: a force named with these verbs is not a perpetrator.
_OPERATION_VERBS = frozenset({"storm", "raid", "seize", "besiege", "overrun", "rescue", "free"})
_SUSPECTED_MODS = frozenset({"suspected", "alleged", "presumed", "purported", "suspect"})

_BLAME_TO = frozenset({"blame", "attribute", "point", "pin", "link", "tie"})  # "blamed X on Y", "pointed to Y"

_ATTACKER_NOUNS = frozenset(
    {
        "attacker",
        "bomber",
        "gunman",
        "gunmen",
        "assailant",
        "network",
        "cell",
        "militant",
        "suspect",
        "man",
        "perpetrator",
        "kidnapper",
        "abductor",
        "fighter",
        "group",
    }
)
_MESSAGE_NOUNS = frozenset(
    {
        "statement",
        "email",
        "e-mail",
        "message",
        "video",
        "letter",
        "post",
        "audio",
        "communique",
        "recording",
        "claim",
        "tweet",
        "posting",
    }
)
_OWN_MEMBERS = frozenset(
    {
        "fighter",
        "member",
        "man",
        "militant",
        "soldier",
        "mujahideen",
        "brother",
        "unit",
        "martyr",
        "operative",
        "commando",
    }
)
_GROUP_LABELS = frozenset({"ORG", "NORP"})
_EVENT_OBJECT = frozenset(
    {
        "attack",
        "bombing",
        "blast",
        "explosion",
        "responsibility",
        "it",
        "them",
        "assault",
        "killing",
        "kidnapping",
        "abduction",
        "raid",
        "ambush",
        "shooting",
        "massacre",
        "strike",
        "attacks",
        "bombings",
        "siege",
        "assassination",
        "operation",
        "murder",
    }
)


def perpetrators(sent, names: list[Name], last_group: Name | None, lex: Lexicon) -> list[Perpetrator]:
    """Every perpetrator the sentence names, with its status and who says so."""
    out: list[Perpetrator] = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lemma in lex.claim and tok.pos_ == "VERB":
            out += _claimed(tok, sent, names, last_group, lex)
        elif lemma in lex.carry_out and tok.pos_ == "VERB":
            out += _carried_out(tok, sent, names, last_group, lex)
        elif lemma in lex.blame and tok.pos_ == "VERB":
            out += _blamed(tok, sent, names, last_group, lex)
        elif lemma == "behind" or (lemma == "responsible" and tok.pos_ == "ADJ"):
            out += _behind(tok, sent, names, last_group, lex)
        elif lemma == "fall" and any(c.lemma_.lower() == "suspicion" for c in tok.children):
            out += [
                _perp(g, "suspected", _reporter(tok, lex))
                for o in _prep_objects(tok, ("on", "upon"))
                for g in _groups_in(o, sent, names, last_group)
            ]
        if lemma in lex.speech and tok.pos_ == "VERB":
            out += _said_it_did(tok, sent, names, last_group, lex)
        if lemma in lex.deny and lemma != "condemn" and tok.pos_ == "VERB":
            out += _denied(tok, sent, names, last_group, lex)
        elif lemma in ("bear", "have", "take", "play", "accept") and tok.pos_ == "VERB" and _no_role(tok):
            subject = _subject(tok)
            if subject is not None and not _is_official(subject):
                out += [
                    _perp(g, "denied", _describe(subject) or "the group itself")
                    for g in _groups_in(subject, sent, names, last_group)
                ]
        if lemma in _ACT_LEMMAS and tok.pos_ == "VERB":
            out += _did_it(tok, sent, names, last_group, lex)
        elif lemma in _ACT_NOUNS and tok.pos_ == "NOUN":
            out += _act_by(tok, sent, names, last_group, lex)
    out += _in_the_name_of(sent, names, last_group)
    return _dedupe(out)


def _did_it(verb, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    """The actor that is the subject of a real act ("the rebels set off two bombs", "it bombed a
    funeral") or its passive agent ("was attacked by X"); status suspected when the words hedge it."""
    if is_unreal(verb, lex) or any(c.dep_ == "neg" for c in verb.children):
        return []
    # "IS attacked a convoy": the parser reads the acronym "IS" as a passive auxiliary; a named
    # organisation in that slot, with no passive subject, is the verb's subject.
    misread = [
        c for c in verb.children if c.dep_ == "auxpass" and c.ent_type_ == "ORG" and c.lower_ == "is" and c.i < verb.i
    ]
    # "were shot and killed by X": the second participle carries the agent, the first the auxiliary.
    passive = not misread and any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in verb.children)
    actor = misread[0] if misread and not any(c.dep_ == "nsubjpass" for c in verb.children) else None
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and _agent(verb) is None:
        return []  # "an IED planted in a vehicle": the noun a passive participle hangs on did nothing
    # ("a mine planted by X", "shells fired by presumed X forces": the participle's agent did it)
    actor = actor or _hyphen_agent(verb) or (_agent(verb) if passive else _subject(verb) or _misread_subject(verb))
    if actor is None and verb.dep_ == "conj" and verb.head.pos_ == "NOUN" and _misread_subject(verb.head):
        actor = verb.head  # "a Taliban sniper shot and killed ...": "shot" read as a noun, its compounds the actor
    if actor is None or actor.dep_ == "nsubjpass" or actor.lower_ in ("who", "whoever", "those"):
        return []
    core, span = _phrase_core(actor), list(actor.subtree)
    if any(t.lower_ in ("unidentified", "unknown") for t in core):
        return []  # "planted by an unidentified group in a bin near X's office": no one named
    if actor.lower_ in _DEVICES:  # "wounded by a VBIED": no one; "killed by a Taliban mortar": the Taliban
        status = "suspected" if _hedged(verb, lex) else "attributed"
        return [_perp(g, status, _reporter(verb, lex)) for g in _front_groups(actor, sent, names)]
    lo, hi = span[0].idx, span[-1].idx + len(span[-1])
    groups = [
        g
        for g in _groups_in(actor, sent, names, last_group)
        if label_class(g.label) != "PLACE"
        and not (g.label == "NORP" and g.entity_id is None)  # "stabbed by a Palestinian": no actor
        and (not (lo <= g.start < hi) or any(t.idx < g.end and g.start < t.idx + len(t) for t in core))
    ]
    if not groups:
        return []
    speaker = _speaker_of(verb, lex)
    if speaker is not None and _same_party(speaker, actor, sent, names, last_group):
        return []  # "X said it bombed ...": a claim, read by _said_it_did
    words = {t.lower_ for t in actor.subtree}
    status = "suspected" if words & _SUSPECTED_MODS or _hedged(verb, lex) else "attributed"
    return [_perp(g, status, _reporter(verb, lex)) for g in groups]


# What does the harm without being who did it ("wounded by a VBIED", "killed by a landmine").
_DEVICES = frozenset(
    {
        "ied",
        "ieds",
        "vbied",
        "vbieds",
        "bomb",
        "bombs",
        "mine",
        "mines",
        "landmine",
        "landmines",
        "rocket",
        "rockets",
        "missile",
        "missiles",
        "shell",
        "shells",
        "mortar",
        "mortars",
        "grenade",
        "grenades",
        "drone",
        "drones",
        "explosion",
        "blast",
        "explosive",
        "explosives",
        "device",
        "airstrike",
        "airstrikes",
        "fire",
        "gunfire",
        "bullet",
        "bullets",
    }
)

# Participles that, joined by a hyphen to who did it, name the maker of the device ("a Taliban-planted mine").
_HYPHEN_ACTS = frozenset({"plant", "lay"})


def _hyphen_agent(verb):
    """ "a Taliban-planted bomb": the name before the hyphen of a participle modifying the device."""
    if verb.dep_ != "amod" or verb.lemma_.lower() not in _HYPHEN_ACTS or verb.i < 2:
        return None
    hyphen, before = verb.doc[verb.i - 1], verb.doc[verb.i - 2]
    if hyphen.text != "-" or before.head.i != verb.i or before.pos_ != "PROPN":
        return None
    return before


def _misread_subject(verb):
    """ "a Taliban sniper shot dead a policeman": the parser reads "sniper" as a compound of the verb
    ("sniper shot"), leaving the verb without a subject; an attacker noun right before it is one."""
    before = [c for c in verb.children if c.dep_ == "compound" and c.i == verb.i - 1]
    if before and before[0].pos_ == "NOUN" and before[0].lemma_.lower() in _ATTACKER_NOUNS:
        return before[0]
    return None


_ATTACKER_NOUNS = frozenset({"sniper", "gunman", "gunmen", "militant", "fighter", "bomber", "assailant", "attacker"})


# Nouns of an attack whose "by" phrase names who made it ("following an attack by Taliban militants").
_ACT_NOUNS = frozenset(
    {
        "attack",
        "ambush",
        "assault",
        "raid",
        "shelling",
        "bombardment",
        "bombing",
        "shooting",
        "massacre",
        "killing",
        "abduction",
        "kidnapping",
    }
)
# Words before an attack noun that make it a habit or a hypothesis, not the act reported.
_NOT_THIS_ACT = frozenset({"many", "several", "frequent", "repeated", "past", "previous", "earlier", "possible"})


def _act_by(noun, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    """ "an attack by Taliban militants on a checkpoint", "a raid by ADF fighters": the "by" agent
    of an attack noun, when the noun is a real act (not planned, foiled, negated or a habit)."""
    if is_unreal(noun, lex) or any(c.lower_ in _NOT_THIS_ACT for c in noun.children if c.dep_ in ("amod", "det")):
        return []
    agents = _prep_objects(noun, ("by",))
    groups = []
    for agent in agents:  # the agent's own name, not a place or person in its phrase ("assailants in Masbate")
        core = _phrase_core(agent)
        if any(t.lower_ in ("unidentified", "unknown") for t in core):
            continue
        groups += [
            g
            for g in _groups_in(agent, sent, names, last_group)
            if label_class(g.label) != "PLACE" and any(t.idx < g.end and g.start < t.idx + len(t) for t in core)
        ]
    groups += _named_in_front(noun, sent, names)
    status = "suspected" if any(t.lower_ in _SUSPECTED_MODS for a in agents for t in a.subtree) else "attributed"
    if any(c.lower_ in _SUSPECTED_MODS for c in noun.children if c.dep_ == "amod"):
        status = "suspected"  # "a suspected Taliban attack"
    if _hedged(noun, lex):
        status = "suspected"
    return [_perp(g, status, _reporter(noun, lex)) for g in groups]


# Verbs whose object is the attack reported ("repelled an ISWAP attack", "launched a Taliban raid").
_ACT_TAKERS = frozenset(
    {"repel", "repulse", "thwart", "launch", "carry", "conduct", "mount", "stage", "claim", "resist", "face"}
)


def _reported_act(noun) -> bool:
    """Whether an attack noun is the act the sentence reports: its subject ("a Taliban ambush killed"),
    the object of a verb of fighting or claiming it, or where the victims died ("killed in an IS
    attack"); not a memory or a cause ("recalled the IRA bombing", "in revenge for an IS attack")."""
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return True
    if noun.dep_ == "dobj":
        return noun.head.lemma_.lower() in _ACT_TAKERS
    return noun.dep_ == "pobj" and noun.head.lower_ in ("in", "during") and noun.head.head.pos_ == "VERB"


def _named_in_front(noun, sent, names) -> list[Name]:
    """ "an ISWAP attack on the base", "a Taliban ambush", "al-Shabaab's raid": the group named in
    front of the attack noun (a compound or possessive), not a place ("a Kabul attack"), a nationality
    or faith ("an Islamist attack") or a weapon ("a mortar attack"). An attack named as the cause of
    something else ("in revenge for an ISWAP attack") is not the act reported."""
    if not _reported_act(noun):
        return []
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _REPEL:
        # "nine militants were killed when troops repulsed their attack": whose attack it was
        owner = [c for c in noun.children if c.dep_ == "poss" and c.lower_ in ("their", "its")]
        if owner:
            return _owner_of(noun, owner[0], sent, names)
    return _front_groups(noun, sent, names)


_REPEL = frozenset({"repel", "repulse", "thwart", "resist"})


def _owner_of(noun, pronoun, sent, names) -> list[Name]:
    """The group a possessive refers to in "X were killed when troops repelled their attack": the
    last group named before it outside the clause of those who repelled it."""
    subject = _subject(noun.head)
    taken = {t.i for t in subject.subtree} if subject is not None else set()
    before = [
        n
        for n in names
        if n.end <= pronoun.idx
        and n.start >= sent.start_char
        and is_groupish(n)
        and label_class(n.label) != "PLACE"
        and not (n.label == "NORP" and n.entity_id is None)
        and not any(t.i in taken for t in sent if t.idx < n.end and n.start < t.idx + len(t))
    ]
    return [before[-1]] if before else []


def _front_groups(noun, sent, names) -> list[Name]:
    """Groups named by the compounds or possessive in front of a noun ("an ISWAP attack", "a Taliban mortar")."""
    out = []
    for mod in noun.children:
        if mod.dep_ not in ("compound", "poss", "nmod") or mod.i > noun.i or mod.pos_ not in ("PROPN", "NOUN"):
            continue
        core = _core_of(mod)
        out += [
            g
            for g in _groups_in(mod, sent, names, None)
            if label_class(g.label) != "PLACE"
            and not (g.label == "NORP" and g.entity_id is None)
            and is_groupish(g)
            and any(t.idx < g.end and g.start < t.idx + len(t) for t in core)
        ]
    return out


_ROLE_NOUNS = frozenset(
    {
        "role",
        "involvement",
        "responsibility",
        "part",
        "hand",
        "link",
        "links",
        "connection",
        "claim",
        "claims",
        "report",
        "reports",
        "allegation",
        "allegations",
        "accusation",
    }
)


def _denied(verb, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    """ "the group denied any role", "X denied involvement in the bombing", "X denied carrying it out"."""
    if is_negated(verb, lex):
        return []
    objects = [c for c in verb.children if c.dep_ in ("dobj", "ccomp", "xcomp")]
    if not any(
        o.lemma_.lower() in _ROLE_NOUNS | _EVENT_OBJECT
        or o.dep_ in ("ccomp", "xcomp")
        and (o.lemma_.lower() in lex.carry_out or o.lemma_.lower() in _ACT_LEMMAS or o.lemma_.lower() == "be")
        for o in objects
    ):
        return []
    subject = _subject(verb)
    if subject is None or _is_official(subject):
        return []
    return [
        _perp(g, "denied", _describe(subject) or "the group itself")
        for g in _groups_in(subject, sent, names, last_group)
    ]


def _no_role(verb) -> bool:
    """ "bore no responsibility", "had no role", "played no part", "did not take responsibility"."""
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in _ROLE_NOUNS]
    negated = any(c.dep_ == "neg" for c in verb.children)
    return any(negated or any(g.dep_ == "det" and g.lower_ == "no" for g in o.children) for o in objects)


def acting_forces(sent, names: list[Name], lex: Lexicon) -> list[Perpetrator]:
    """Named forces that are the subject of a real act ("Turkish forces shelled the village",
    "FARDC soldiers killed a man"). They are the perpetrators of an event only when their sentence
    opens it and no group is named for it (elsewhere they are usually the response to an attack)."""
    out = []
    for verb in sent:
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or lemma not in _ACT_LEMMAS or lemma in _OPERATION_VERBS or is_unreal(verb, lex):
            continue
        if any(c.dep_ == "neg" for c in verb.children):
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in verb.children) or (
            verb.dep_ == "acl" and verb.tag_ == "VBN"
        )
        if passive:
            # "two farmers were shot dead by Malian soldiers": the agent; with no agent the noun a
            # participle hangs on did nothing ("a mine planted near the army post")
            actor = _agent(verb)
        else:
            actor = None if lemma == "plant" else _subject(verb)
        force = _force_phrase(actor, names) if actor is not None else None
        if force is not None:
            words = {t.lower_ for t in actor.subtree}
            status = "suspected" if words & _SUSPECTED_MODS or _hedged(verb, lex) else "attributed"
            out.append(_perp(force, status, _reporter(verb, lex)))
    for noun in sent:  # "attacks by Afghan police forces", "an operation by the army of Chad killed ..."
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in _ACT_NOUNS | {"operation"} or is_unreal(noun, lex):
            continue
        for agent in _prep_objects(noun, ("by",)):
            force = _force_phrase(agent, names)
            if force is not None:
                status = "suspected" if _hedged(noun, lex) else "attributed"
                out.append(_perp(force, status, _reporter(noun, lex)))
    return _dedupe(out)


_CORE_DEPS = frozenset(
    {"compound", "amod", "nmod", "poss", "det", "flat", "nummod", "punct", "cc", "conj", "case", "quantmod", "advmod"}
)


def _core_of(tok):
    return [tok] + [t for c in tok.children if c.dep_ in _CORE_DEPS for t in _core_of(c)]


def _phrase_core(node) -> list:
    """The tokens that name the actor itself, without its prepositional phrases, clauses and
    appositions ("several armed individuals in Colonia X": not Colonia X; "members of X": X)."""
    out = _core_of(node)
    for child in node.children:  # "members of X", "fighters from X", "the armed wing of X"
        if child.dep_ == "prep" and child.lower_ in ("of", "from") and node.lemma_.lower() in _MEMBER_NOUNS:
            out += [t for g in child.children if g.dep_ == "pobj" for t in _core_of(g)]
    return out


_MEMBER_NOUNS = frozenset(
    {
        "member",
        "fighter",
        "militant",
        "rebel",
        "gunman",
        "gunmen",
        "wing",
        "cell",
        "unit",
        "faction",
        "insurgent",
        "jihadist",
        "supporter",
        "loyalist",
        "operative",
        "commander",
        "man",
        "men",
        "soldier",
        "force",
        "militia",
        "militiaman",
        "group",
        "branch",
    }
)


def _force_phrase(noun, names: list[Name]) -> Name | None:
    """ "Turkish forces", "FARDC soldiers", "Afghan police", "the army of Chad": a force noun with a
    named modifier or state ("members of the armed forces of Chad": the forces)."""
    if noun.lemma_.lower() in ("member", "unit", "element"):
        of = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        return _force_phrase(of[0], names) if of else None
    if noun.lower_ in _DEVICES:  # "Afghan military airstrikes", "Turkish army shelling": the force named in front
        front = [c for c in noun.children if c.dep_ in ("amod", "compound") and c.i < noun.i]
        force = next((c for c in reversed(front) if c.lower_ in _FORCE_NOUNS), None)
        if force is None:
            return None
        named = _force_phrase(force, names)
        if named is not None:
            return named
        states = [c for c in front if c.i < force.i and c.ent_type_ in ("NORP", "GPE")]
        if not states:
            return None
        span = noun.doc[min(c.i for c in states) : force.i + 1]
        return Name(span.start_char, span.end_char, span.text, "ORG", None, span.text)
    if noun.lower_ not in _FORCE_NOUNS and noun.lemma_.lower() not in _FORCE_NOUNS:
        return None
    mods = [
        c
        for c in noun.children
        if c.dep_ in ("amod", "compound", "nmod")
        and c.i < noun.i
        and (c.ent_type_ in ("NORP", "GPE", "ORG") or c.pos_ == "PROPN")
        and c.ent_type_ not in ("DATE", "TIME")
        and not any(t.ent_type_ in ("DATE", "TIME", "CARDINAL") for t in c.subtree)
    ]
    # "the military forces of Mozambique", "the army of Chad": the state named after the noun
    of_state = [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
        and g.ent_type_ == "GPE"
        and all(t.ent_type_ == "GPE" or t.lower_ == "the" for t in g.subtree)
    ]
    if not mods and not of_state:
        return None
    if mods:
        first, last = min(t.i for m in mods for t in m.subtree), noun.i
    else:
        first = min([noun.i] + [c.i for c in noun.children if c.dep_ in ("amod", "compound") and c.i < noun.i])
        last = max(t.i for t in of_state[0].subtree)
    span = noun.doc[first : last + 1]
    if any(t.lower_ in ("unidentified", "unknown", "armed") for t in span):
        return None
    inside = [
        n for n in names if span.start_char <= n.start < span.end_char and (n.entity_id or "").startswith("actor:")
    ]
    entity = inside[0].entity_id if inside else None
    text = span.text[4:] if span.text.lower().startswith("the ") else span.text
    return Name(span.start_char, span.end_char, span.text, "ORG", entity, text)


def topic_group(sent, names: list[Name], last_group: Name | None) -> Name | None:
    """The group a following "it" or "the group" refers to: the subject of the sentence's main verb
    when that is a group (or refers back to one), else the last group the sentence names."""
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT":
            if tok.lemma_.lower() in lexicon().group_anaphora or tok.lower_ in ("it", "they"):
                return last_group if last_group is not None else _last_of([n for n in names if _core(n, sent)])
            groups = [g for g in _groups_in(tok, sent, names, None) if is_groupish(g)]
            if groups:
                return groups[0]
    return _last_of([n for n in names if _core(n, sent)]) or last_group


def _last_of(names: list[Name]) -> Name | None:
    groups = [n for n in names if is_groupish(n)]
    return groups[-1] if groups else None


def _prep_objects(tok, preps: tuple[str, ...]) -> list:
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ in preps for g in c.children if g.dep_ == "pobj"]


def _said_it_did(verb, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    """ "X said it had attacked the school", "X said its fighters carried out the attacks"."""
    if is_negated(verb, lex):
        return []
    speaker = _subject(verb)
    if speaker is None:
        return []
    groups = _groups_in(speaker, sent, names, last_group)
    if not groups or _is_official(speaker) and not any(is_groupish(g) for g in groups):
        return []
    for clause in (c for c in verb.children if c.dep_ in ("ccomp", "xcomp")):
        lemma = clause.lemma_.lower()
        acts = (
            lemma in lex.trigger_lemmas
            or lemma in lex.carry_out
            or lemma in ("abduct", "kidnap", "seize", "kill")
            or (lemma == "fire" and _fired_weapon(clause))
        )
        agent = _subject(clause)
        if not acts or agent is None or is_negated(clause, lex):
            continue
        own = agent.lower_ in ("it", "they", "we") or (
            agent.lemma_.lower() in _OWN_MEMBERS and any(c.dep_ == "poss" for c in agent.children)
        )
        if own:
            return [_perp(g, "claimed", "the group itself") for g in groups]
    return []


_WEAPONS = frozenset({"rocket", "missile", "shell", "mortar", "round", "shot", "bullet", "grenade", "drone"})


def _fired_weapon(verb) -> bool:
    """ "fired rockets", "fired on the convoy", "fired at troops" (not "fired its spokesman")."""
    return any(
        (c.dep_ == "dobj" and c.lemma_.lower() in _WEAPONS) or (c.dep_ == "prep" and c.lower_ in ("at", "on"))
        for c in verb.children
    )


def _in_the_name_of(sent, names, last_group) -> list[Perpetrator]:
    """ "emails claiming the attacks in the name of the Deccan Mujahideen"."""
    text = sent.text.lower()
    if "in the name of" not in text or "claim" not in text:
        return []
    out = []
    for tok in sent:
        if tok.lower_ == "name" and tok.head.lower_ == "in":
            out += [
                _perp(g, "claimed", "the group itself")
                for o in _prep_objects(tok, ("of",))
                for g in _groups_in(o, sent, names, last_group)
            ]
    return out


def _claimed(verb, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    # "Boko Haram/IS claimed ...": with "IS" misread as a passive auxiliary the subject looks passive
    misread = next((c for c in verb.children if c.dep_ == "auxpass" and _misread_is(c) and c.i < verb.i), None)
    objects = [c for c in verb.children if c.dep_ == "dobj" or (c.dep_ == "nsubjpass" and not misread)]
    if objects and not any(o.lemma_.lower() in _EVENT_OBJECT or o.lower_ in _EVENT_OBJECT for o in objects):
        return []
    # "X claimed to have attacked the camp" is a claim of the act; "a caller claiming to speak for
    # X", "X claims that ..." are not claims of the attack.
    acts = [
        c for c in verb.children if c.dep_ == "xcomp" and c.lemma_.lower() in _ACT_LEMMAS and not is_negated(c, lex)
    ]
    if not objects and not acts and any(c.dep_ in ("xcomp", "ccomp") for c in verb.children):
        return []
    if any(is_generic(o) for o in objects) or is_negated(verb, lex) or is_hypothetical(verb, lex):
        return []
    governor = _speaker_verb(verb, lex)
    if governor is not None and (is_negated(governor, lex) or governor.lemma_.lower() in lex.deny):
        return []
    subject = _subject(verb) or misread
    groups = _groups_in(subject, sent, names, last_group) if subject is not None else []
    if not groups or _is_official(subject):
        return []
    source = _reporter(verb, lex) or "the group itself"
    status = "claimed"
    return [_perp(g, status, source) for g in groups]


def _carried_out(verb, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    if is_negated(verb, lex) or is_hypothetical(verb, lex):
        return []
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    if not any(o.lemma_.lower() in _EVENT_OBJECT for o in objects):
        return []
    governor = _speaker_verb(verb, lex)
    if governor is not None and (is_negated(governor, lex) or governor.lemma_.lower() in lex.deny):
        return []
    subject = _agent(verb) or _subject(verb)
    if subject is not None and subject.dep_ == "nsubjpass":
        return []  # "the attack was carried out on Friday": the attack is not its own perpetrator
    groups = _groups_in(subject, sent, names, last_group) if subject is not None else []
    speaker = _speaker_of(verb, lex)
    if speaker is not None and groups and _same_party(speaker, subject, sent, names, last_group):
        return [_perp(g, "claimed", "the group itself") for g in groups]
    status = _status_for(verb, lex)
    return [_perp(g, status, _reporter(verb, lex)) for g in groups]


def _blamed(verb, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    if is_negated(verb, lex) or is_hypothetical(verb, lex):
        return []
    lemma = verb.lemma_.lower()
    if lemma in ("link", "tie") and not (verb.dep_ in ("acl", "amod") and verb.head.lemma_.lower() in _ATTACKER_NOUNS):
        return []
    blamed = []
    for child in verb.children:
        if lemma in ("blame", "accuse", "hold", "suspect", "implicate") and child.dep_ == "dobj":
            blamed.append(child)
        if child.dep_ == "prep" and child.lower_ in ("on", "to") and lemma in _BLAME_TO:
            blamed.extend(g for g in child.children if g.dep_ == "pobj")
        if child.dep_ == "agent" and lemma in ("carry", "claim"):
            blamed.extend(g for g in child.children if g.dep_ == "pobj")
    groups = [g for node in blamed for g in _groups_in(node, sent, names, last_group)]
    if not groups:
        return []
    subject = None if lemma in ("link", "tie") else _subject(verb)
    source = _describe(subject) if subject is not None and subject.dep_ != "nsubjpass" else _reporter(verb, lex)
    status = "suspected" if lemma in ("suspect", "point") or _hedged(verb, lex) else "attributed"
    return [_perp(g, status, source) for g in groups]


def _behind(tok, sent, names, last_group, lex: Lexicon) -> list[Perpetrator]:
    """ "X was behind the attack", "X is responsible for the bombing"."""
    copula = tok.head if tok.dep_ in ("prep", "acomp") else tok
    objects = [g for c in tok.children for g in ([c] if c.dep_ == "pobj" else c.children) if g.dep_ == "pobj"]
    implicit = tok.lemma_.lower() == "responsible" and not objects
    if not (implicit or any(o.lemma_.lower() in _EVENT_OBJECT for o in objects)) or is_negated(copula, lex):
        return []
    subject = _subject(copula)
    if subject is None or subject.lower_ in ("those", "who", "whoever"):
        return []
    groups = _groups_in(subject, sent, names, last_group)
    governor = _speaker_verb(copula, lex)
    if governor is not None and governor.lemma_.lower() in lex.deny:
        return [_perp(g, "denied", _describe(_subject(governor))) for g in groups]
    if governor is not None and is_negated(governor, lex):
        return []
    status = _status_for(copula, lex)
    return [_perp(g, status, _reporter(copula, lex)) for g in groups]


def _subject(verb):
    """The subject of a verb: the nsubj nearest to it (a dateline "COLOMBO —" is an extra nsubj),
    the agent of a passive claim, the noun a participle hangs on, or who issued a claiming message."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subjects:
        child = subjects[-1]
        if child.dep_ == "nsubjpass" and verb.lemma_.lower() == "claim":
            return _agent(verb) or child
        return child
    if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        return _subject(verb.head)
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        if verb.head.lemma_.lower() in _MESSAGE_NOUNS and verb.head.head.pos_ == "VERB":
            return _subject(verb.head.head) or verb.head
        return verb.head
    return None


def _agent(verb):
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _groups_in(node, sent, names: list[Name], last_group: Name | None) -> list[Name]:
    """Names of the actor in the phrase headed by ``node``; a pronoun or "the group" -> the last group."""
    if node.lower_ in ("which", "who", "that") and node.head.dep_ == "relcl":
        return _groups_in(node.head.head, sent, names, last_group)
    span = list(node.subtree)
    lo, hi = span[0].idx, span[-1].idx + len(span[-1])
    if span[0].i > sent.start and _misread_is(node.doc[span[0].i - 1]):
        lo = node.doc[span[0].i - 1].idx  # "IS fighters killed ...": the parser cut "IS" off as a verb
    inside = [n for n in names if n.start < hi and lo < n.end and label_class(n.label) != "PLACE"]
    groups = [n for n in inside if is_groupish(n)]
    if groups:
        return _head_name(groups, node)
    if inside and node.pos_ == "PROPN":
        return inside[:1]
    if node.lemma_.lower() in lexicon().group_anaphora or node.lower_ in ("it", "they"):
        before = [n for n in names if n.end <= node.idx and is_groupish(n)]
        core = [n for n in before if _core(n, sent)]
        found = (core or before)[-1] if before else last_group
        return [found] if found is not None else []
    unnamed = _proper_noun(node)
    return [unnamed] if unnamed is not None else []


def _misread_is(tok) -> bool:
    """The acronym "IS" (Islamic State) that the parser read as the verb "is" ("IS militants attacked")."""
    return tok.text == "IS" and tok.ent_type_ == "ORG" and tok.pos_ in ("AUX", "VERB")


def _core(name: Name, sent) -> bool:
    """False for a name inside an apposition or a prepositional phrase ("X, a rival of the Taliban,
    said it ...": "it" is X, not the Taliban)."""
    tok = token_at(sent, name.start, name.end)
    for _ in range(6):
        if tok is None or tok.head.i == tok.i or tok.pos_ in ("VERB", "AUX"):
            return True
        if tok.dep_ == "pobj" and tok.head.lower_ == "by":
            return True  # "an attack by the Taliban": the agent
        if tok.dep_ in ("appos", "pobj", "poss", "relcl", "acl"):
            return False
        tok = tok.head
    return True


def _proper_noun(node) -> Name | None:
    """A capitalised proper-noun phrase the NER missed ("Deccan Mujahideen"): taken as a group name."""
    chain = [
        t
        for t in node.subtree
        if t.pos_ == "PROPN"
        and t.text[:1].isupper()
        and (t.i == node.i or t.head.i == node.i or t.dep_ in ("compound", "flat"))
    ]
    if node.pos_ != "PROPN" and not chain:
        return None
    tokens = sorted(set(chain) | ({node} if node.pos_ == "PROPN" else set()), key=lambda t: t.i)
    if not tokens or tokens[-1].i - tokens[0].i + 1 != len(tokens):
        return None
    span = node.doc[tokens[0].i : tokens[-1].i + 1]
    if (
        any(t.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "NORP") for t in span)
        or NOT_A_GROUP.search(span.text)
        or PLACE_WORDS.search(span.text)
    ):
        return None
    if len(span) < 2 and GROUP_WORDS.search(span.text) is None:
        return None
    return Name(span.start_char, span.end_char, span.text, "ORG", None, span.text)


def _head_name(groups: list[Name], node) -> list[Name]:
    """The name at the head of the phrase ("X, a faction of Y" -> X), widened to its whole proper noun."""
    at_head = [n for n in groups if n.start <= node.idx < n.end]
    first = at_head[0] if at_head else groups[0]
    return [widen(first, node.doc)]


def _is_official(subject) -> bool:
    words = {t.lemma_.lower() for t in subject.subtree}
    return bool(
        words
        & {
            "official",
            "police",
            "government",
            "ministry",
            "minister",
            "spokesman",
            "army",
            "military",
            "president",
            "authority",
        }
    ) and not words & {"group", "militant"}


def _speaker_verb(tok, lex: Lexicon):
    node = tok
    for _ in range(4):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.lemma_.lower() in lex.speech | lex.deny | lex.hedge and node.pos_ in ("VERB", "AUX"):
            return node
    return None


def _speaker_of(verb, lex: Lexicon):
    governor = _speaker_verb(verb, lex)
    return _subject(governor) if governor is not None else None


def _same_party(speaker, subject, sent, names, last_group) -> bool:
    if speaker.lemma_.lower() in lexicon().group_anaphora or subject.lower_ in ("it", "they", "we"):
        return True
    a = {n.entity_id or n.text for n in _groups_in(speaker, sent, names, last_group)}
    b = {n.entity_id or n.text for n in _groups_in(subject, sent, names, last_group)}
    return bool(a & b)


def _reporter(tok, lex: Lexicon) -> str:
    governor = _speaker_verb(tok, lex)
    if governor is None:
        return ""
    subject = _subject(governor)
    return _describe(subject) if subject is not None else ""


def _describe(node) -> str:
    if node is None:
        return ""
    words = [t for t in node.subtree if t.dep_ not in ("relcl", "acl") and not t.is_punct]
    text = " ".join(t.text for t in words[:8])
    return text if text.lower() not in ("it", "they", "he", "she") else ""


def _status_for(tok, lex: Lexicon) -> str:
    return "suspected" if _hedged(tok, lex) else "attributed"


def _hedged(tok, lex: Lexicon) -> bool:
    node = tok
    for _ in range(4):
        if any(c.lemma_.lower() in lex.hedge for c in node.children if c.dep_ in ("advmod", "aux", "acomp", "xcomp")):
            return True
        if node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in lex.hedge:
            return True
    return False


def _perp(name: Name, status: str, source: str) -> Perpetrator:
    return Perpetrator(name.canonical or name.text, status, source, name.start, name.end, name.entity_id)


def _dedupe(perps: list[Perpetrator]) -> list[Perpetrator]:
    seen, out = set(), []
    for p in perps:
        key = (p.entity_id or p.name.lower(), p.status)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
