"""Transparent phrase rules for default reasons and for vulnerability and tension flags.

Rules catch strong, unambiguous phrases ("lost my job", "ma carte a expiré") in English and
French. A phrase does not count when a negation governs it in the same clause ("it's not that I
forgot", "not because of my salary", "pas à cause de mon salaire"): the words just before the
match, back to the last clause break, are checked for a negation cue. Phrases that carry their own
negation ("I didn't realise", "je ne paierai pas") are marked so and are never negated away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|without|isn't|wasn't|aren't|don't|doesn't|didn't|nor|"
    r"pas|ne|n'|jamais|aucun|aucune|rien|non|sans)\b|n't\b|\bn'",
    re.IGNORECASE,
)
# "because"/"car" do not break a clause: "not because of my salary" is one negated thought.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()]|\b(?:but|so|and|mais|donc|et)\b",
                           re.IGNORECASE)
NEGATION_WINDOW_WORDS = 5


@dataclass(frozen=True)
class Rule:
    label: str  # a reason id, or "flag:detail" for flags
    pattern: re.Pattern[str]
    negatable: bool = True


def _rules(label: str, *phrases: str, negatable: bool = True) -> list[Rule]:
    return [Rule(label, re.compile(p, re.IGNORECASE), negatable) for p in phrases]


REASON_RULES: list[Rule] = [
    *_rules("payday_timing",
            r"\bbefore (?:my |i get )?pa(?:y ?day|id)\b", r"\bbefore my (?:salary|wages?|pay)\b",
            r"\b(?:salary|wages?|pay ?check|pay) (?:comes?|arrives?|goes) in (?:on|after)\b",
            r"\bafter (?:my |the )?pay ?day\b", r"\bline up .{0,30}pay ?day\b",
            r"\bavant (?:ma paie|mon salaire|ma paye)\b",
            r"\bmon salaire (?:tombe|arrive)\b", r"\bla veille de ma paie\b"),
    *_rules("income_shock",
            r"\blost (?:my|his|her|their) jobs?\b", r"\bmade redundant\b", r"\blaid off\b",
            r"\b(?:hours|shifts) (?:were |was |got )?(?:cut|reduced)\b",
            r"\bunemploy(?:ed|ment)\b", r"\blet go from\b",
            r"\bperdu (?:mon|son) (?:emploi|travail|boulot)\b", r"\blicenci[ée]e?s?\b",
            r"\bau chômage\b", r"\bchômage\b"),
    *_rules("forgot_or_unaware",
            r"\b(?:i |just |simply |totally |completely )forgot\b", r"\bslipped my mind\b",
            r"\bj'ai (?:complètement |simplement )?oublié\b", r"\bsorti de la tête\b"),
    *_rules("forgot_or_unaware",
            r"\b(?:didn't|did not) (?:realise|realize|know|notice)\b",
            r"\b(?:wasn't|was not) aware\b",
            r"\bje ne savais pas\b", r"\bn'ai pas (?:vu|remarqué)\b", negatable=False),
    *_rules("payment_method_issue",
            r"\bcard (?:has |had )?expired\b", r"\bexpired card\b", r"\bnew card\b",
            r"\bchanged banks?\b", r"\bcard (?:was |got )?(?:declined|refused|blocked)\b",
            r"\bcarte (?:a |est )?expirée?\b", r"\bcarte expirée\b", r"\bchangé de banque\b",
            r"\bnouvelle carte\b", r"\bmandat de prélèvement\b"),
    *_rules("dispute_or_return",
            r"\bwaiting for (?:the |my )?refund\b", r"\brefund (?:is )?(?:still )?pending\b",
            r"\b(?:returned|sent back) the\b", r"\bnever (?:arrived|received|showed up)\b",
            r"\bbilled (?:me )?twice\b", r"\bcharged twice\b",
            r"\battends? (?:toujours )?le remboursement\b", r"\bjamais reçu\b",
            r"\bj'ai (?:retourné|renvoyé)\b", r"\bfacturé deux fois\b"),
    *_rules("fraud_or_identity",
            r"\b(?:didn't|did not|never) (?:make|made) (?:this|the|that) purchase\b",
            r"\bidentity (?:theft|stolen)\b", r"\baccount was hacked\b", r"\bwasn't me\b",
            r"\bn'ai pas fait cet achat\b", r"\busurpation d'identité\b", r"\bpiraté\b",
            negatable=False),
    *_rules("hardship_life_event",
            r"\bpassed away\b", r"\bfuneral\b", r"\bin hospital\b", r"\bdiagnosed with\b",
            r"\bdivorce\b", r"\bbereavement\b", r"\bdécédée?\b", r"\benterrement\b",
            r"\bhospitalisée?\b", r"\bdeuil\b"),
    *_rules("over_indebtedness",
            r"\btoo many (?:payment plans|plans|loans|debts)\b",
            r"\b(?:several|other) (?:buy now pay later|bnpl|lenders|loans|debts)\b",
            r"\bdebt management plan\b", r"\btrop de (?:crédits|paiements|dettes)\b",
            r"\bsurendetté", r"\bplusieurs crédits\b"),
    *_rules("refuses_to_pay",
            r"\b(?:i'm|i am) not paying\b", r"\bi (?:will not|won't) pay\b",
            r"\brefus(?:e|ing) to pay\b", r"\bje ne paierai pas\b", r"\bje refuse de payer\b",
            r"\bpas question de payer\b", negatable=False),
]

FLAG_RULES: list[Rule] = [
    *_rules("vulnerability:illness",
            r"\b(?:in|out of) hospital\b", r"\bcancer\b", r"\bseriously ill\b", r"\bsurgery\b",
            r"\bdiagnosed\b", r"\bsick\b", r"\bhospitalisée?\b", r"\bmalade\b", r"\bhôpital\b"),
    *_rules("vulnerability:bereavement",
            r"\bpassed away\b", r"\bdied\b", r"\bfuneral\b", r"\bdeath in the family\b",
            r"\bdécédée?\b", r"\bdécès\b", r"\bdeuil\b", r"\benterrement\b",
            r"\best mort\b"),
    *_rules("vulnerability:job_loss",
            r"\blost (?:my|his|her|their) jobs?\b", r"\bmade redundant\b", r"\blaid off\b",
            r"\bperdu (?:mon|son) (?:emploi|travail)\b", r"\blicenci[ée]", r"\bchômage\b"),
    *_rules("vulnerability:mental_health",
            r"\bdepress(?:ion|ed)\b", r"\banxiety\b", r"\bmental health\b", r"\bnot coping\b",
            r"\bdépression\b", r"\bburn-?out\b"),
    *_rules("tension:anger",
            r"\bscam\b", r"\bjoke\b", r"\bfed up\b", r"\bdisgusting\b", r"\bridiculous\b",
            r"\barnaque\b", r"\bj'en ai (?:marre|assez)\b", r"\bscandaleux\b",
            r"\bça suffit\b", r"\benough\s*!", negatable=False),
    *_rules("tension:threat",
            r"\btake me to court\b", r"\b(?:i will|i'll) complain\b", r"\blawyer\b",
            r"\bporter plainte\b", r"\ballez au tribunal\b", r"\bavocat\b", negatable=False),
    *_rules("tension:contact_frequency",
            r"\bstop calling\b", r"\bevery day\b", r"\bharass(?:ment|ing)\b",
            r"\b(?:five|\d+|too many) (?:times|messages|texts|calls)\b",
            r"\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)) (?:text|message|call|"
            r"e-?mail|sms|reminder)",
            r"\b(?:texts?|messages?|calls?|e-?mails?|reminders?) (?:this|a|per|every) (?:week|day)",
            r"\bstop (?:it|sending|texting|calling|messaging|contacting|harassing)\b",
            r"\b(?:all|so many|too many) (?:these |those |your )?(?:reminders|messages|texts|"
            r"calls|e-?mails)\b",
            r"\barrêtez de m'(?:appeler|envoyer|écrire|relancer)\b", r"\btous les jours\b",
            r"\bharcèlement\b", r"\b(?:deuxième|troisième|quatrième|cinquième|\d+e) (?:sms|"
            r"message|appel|mail|relance)", r"\b(?:sms|messages?|appels?|relances?) (?:cette|par|"
            r"chaque) (?:semaine|jour)", r"\btrop de (?:messages|sms|appels|relances)\b",
            r"\b(?:toutes )?ces relances\b", negatable=False),
]


def is_negated(text: str, start: int) -> bool:
    """Whether a negation cue governs the phrase starting at ``start`` (same clause, few words)."""
    before = text[max(0, start - 60):start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    words = before.split()[-NEGATION_WINDOW_WORDS:]
    return bool(_NEGATION.search(" ".join(words)))


@dataclass(frozen=True)
class RuleHit:
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class RuleSet:
    """Rules compiled into one alternation per (label, negatable), in first-seen label order:
    one regex scan per label instead of one per phrase."""

    groups: tuple[tuple[str, bool, re.Pattern[str]], ...]

    @classmethod
    def of(cls, rules: list[Rule]) -> RuleSet:
        phrases: dict[tuple[str, bool], list[str]] = {}
        for rule in rules:
            phrases.setdefault((rule.label, rule.negatable), []).append(rule.pattern.pattern)
        return cls(tuple(
            (label, negatable, re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE))
            for (label, negatable), pats in phrases.items()
        ))


_COMPILED: dict[int, RuleSet] = {}


def match_rules(text: str, rules: list[Rule]) -> list[RuleHit]:
    """Every non-negated rule match in ``text`` (at most one per label: the earliest)."""
    ruleset = _COMPILED.get(id(rules))
    if ruleset is None:
        ruleset = _COMPILED[id(rules)] = RuleSet.of(rules)
    hits: dict[str, RuleHit] = {}
    for label, negatable, pattern in ruleset.groups:
        for m in pattern.finditer(text):
            if negatable and is_negated(text, m.start()):
                continue
            if label not in hits or m.start() < hits[label].start:
                hits[label] = RuleHit(label, m.start(), m.end())
            break
    return list(hits.values())
