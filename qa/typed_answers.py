"""Typed answers: a question asking for an amount, a count, a country, a person or a time is answered only by a
sentence holding one, about the month it names and naming the countries it names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from embeddings.lexical import tokenize
from qa.answer_types import DURATION_QUESTION, expected_type, has_type
from qa.countries import countries_in, countries_required, country_terms, speakers_asked, speaks_for
from qa.key_terms import group_overlap, group_weights, key_term_groups
from qa.language import detect_language
from qa.letter_parts import answer_months
from qa.time_scope import speaks_of_month

if TYPE_CHECKING:
    from qa.compose import Candidate, ComposerConfig
    from qa.retrieval import Retriever


def typed_candidates(
    question: str,
    candidates: list[Candidate],
    retriever: Retriever,
    config: ComposerConfig,
    whole: str | None = None,
) -> list[Candidate]:
    """The candidates near the top that hold the kind of answer the question asks for, about the month it
    names, naming the countries it names. whole: the question with the clause naming its meeting, whose month
    ("Bij het defensieoverleg van medio juni 2020: ...") is the answer's too."""
    kind = expected_type(question)
    typed_kind = kind in config.typed_kinds
    months = answer_months(whole or question) if typed_kind or config.month_scope else set()
    sentences = retriever.index.sentences
    # The letters are Dutch: "the Dutch defence ministry" is theirs, named or not.
    typed_countries = kind != "country" and config.typed_countries
    named = countries_required(question) - {"Nederland"} if typed_countries else set()
    untyped_named = named if config.all_countries else set()
    speakers = speakers_asked(question) if config.speakers else set()
    if not (typed_kind or months or untyped_named or speakers) or not candidates:
        return candidates
    floor = config.typed_window * candidates[0].score
    restates = candidates[0].lexical >= config.restates_overlap
    follow = sequels(candidates[0], sentences, (c.index for c in candidates)) if restates else set()
    if kind in TIME_KINDS and THEN.search(sentences[candidates[0].index].text):
        follow |= antecedent(candidates[0].index, sentences)  # "Op 6 april ... Er werd toen afgesproken dat ..."
    typed = [
        c
        for c in candidates
        if (c.score >= floor or c.index in follow)
        and (not typed_kind or has_type(sentences[c.index].text, kind, question))
    ]
    if months:
        # "Hoe lang duurde de videoconferentie in juni 2020?" is not answered by April's "ruim drie uur".
        typed = [c for c in typed if about_months(c, months, sentences)]
    if speakers:  # what a country said: the sentence itself reports it speaking
        typed = [c for c in typed if speaks_for(sentences[c.index].text, speakers)]
    if not typed_kind:
        return [c for c in typed if untyped_named <= countries_in(near_text(c.index, sentences, after=True))]
    if not typed:
        return typed
    # The amount must be about what the question is about: "1 miljoen euro" for the Revolving Fund does
    # not answer what Germany spent. Read with its heading and the sentences around it, not the letter's title.
    groups = key_term_groups(question, retriever)
    if kind == "country":  # "... de kant van Parijs (Frankrijk)?": any list of allies names France
        groups = [g for g in groups if not g <= country_terms()] or groups
    weights = group_weights(retriever, groups)
    english = detect_language(question) == "en"
    focus = config.typed_focus_english if english else config.typed_focus
    # The best sentence of all holding the kind asked for needs no more ("Voor hoeveel mensen ...?": "de bijna
    # 1 miljard inwoners" shares few words with it). It names the countries the question names, as every
    # typed answer must: Ukraine's date is not Georgia's.
    # the rarest terms: ties are common among terms of one passage, any of them will do
    rarest = (
        frozenset().union(*(g for g, w in zip(groups, weights, strict=True) if w >= weights.max() - 1e-9))
        if groups
        else frozenset()
    )
    needs_rarest = kind in config.rarest_term_kinds and bool(rarest)
    counted = counted_terms(question, groups) if kind == "quantity" and config.counted_noun else []
    kept = []
    for c in typed:
        near = near_text(c.index, sentences, after=True)
        best = c is candidates[0] and config.best_needs_no_focus
        tokens = tokenize(near)
        what_for = not needs_rarest or bool(rarest & set(tokens))
        what_for = what_for and (not counted or any(_found(g, tokens) for g in counted))
        if (best or group_overlap(groups, weights, near) > focus) and named <= countries_in(near) and what_for:
            kept.append(c)
    return kept


# "Hoeveel Nederlandse militairen ...?", "How many Patriot launchers ...?": what is counted.
COUNTED = re.compile(r"\b(?:hoeveel|hoe veel|how many|welk aantal|what number of)\s+((?:[\w'-]+\s*){1,3})", re.I)
FILLERS = {"ander", "andere", "other", "more", "meer", "nog", "er"}
# "Over hoeveel mensen ...?" counts people of any kind: "bijna 1 miljard inwoners" answers it.
ANY_PEOPLE = {"mens", "peopl", "person", "persoon", "individual"}
OF_WHAT_CAME_BEFORE = {"of", "van", "ervan", "daarvan"}  # "how many of them"


def counted_terms(question: str, groups: list[frozenset[str]]) -> list[frozenset[str]]:
    """What a count question counts, as groups of stems any one of which names it (an English word with its Dutch
    neighbours): its first two words after "hoeveel" / "how many", less a country's adjective. None for a
    question that counts a time ("hoeveel dagen"), or "how many of them"."""
    match = COUNTED.search(question)
    if not match or DURATION_QUESTION.search(question):
        return []
    words = match.group(1).split()
    if words[0].lower() in OF_WHAT_CAME_BEFORE:
        return []
    stems = [t for t in tokenize(" ".join(w for w in words if w.lower() not in FILLERS)) if t not in country_terms()]
    stems = stems[:2]
    if ANY_PEOPLE & set(stems[:1]):
        return []
    return [next((g for g in groups if t in g), frozenset({t})) | {t} for t in stems]


def _found(group: frozenset[str], tokens: list[str]) -> bool:
    """Whether a stem of the group is among the tokens, or one is the other's tail ("samenwerkingsproject" and
    "project"), or they begin alike ("session" and "sessie")."""
    return any(_alike(t, u) for t in group for u in tokens)


def _alike(t: str, u: str) -> bool:
    if t == u or (len(u) >= 5 and t.endswith(u)) or (len(t) >= 5 and u.endswith(t)):
        return True
    return len(t) >= 5 and len(u) >= 5 and t[:5] == u[:5]


def sequels(c: Candidate, sentences, among: Iterable[int] | None = None) -> set[int]:
    """Where a sentence restates the question ("En marge ... tekende Nederland samen met negen NAVO-bondgenoten een
    Letter of Intent"), the answer may follow, however low it scores: the next sentence of its section, or one of
    the section's footnotes ("De negen bondgenoten zijn: ..."). among: the sentences to look at (default all)."""
    here = sentences[c.index]
    notes = f"{here.heading} > Voetnoot "
    after = (
        {c.index + 1} if c.index + 1 < len(sentences) and _section(sentences[c.index + 1]) == _section(here) else set()
    )
    among = range(len(sentences)) if among is None else among
    return after | {j for j in among if sentences[j].doc_id == here.doc_id and sentences[j].heading.startswith(notes)}


TIME_KINDS = ("day", "date", "year")
THEN = re.compile(r"\b(toen|destijds|then)\b", re.I)


def antecedent(j: int, sentences) -> set[int]:
    """The sentence before, in the same section: where "toen" ("then") points for its time."""
    return {j - 1} if j > 0 and _section(sentences[j - 1]) == _section(sentences[j]) else set()


def _section(sentence) -> tuple[str, str]:
    return sentence.doc_id, sentence.heading


def about_months(c: Candidate, months: set[tuple[int, int]], sentences, context: bool = False) -> bool:
    """Whether the candidate sentence (read after the one before it, if context) speaks of one of the months
    ((year, month))."""
    text = near_text(c.index, sentences) if context else sentences[c.index].text
    return speaks_of_month(text, c.passage.letter_date, c.passage.meeting_dates, months)


def near_text(j: int, sentences, after: bool = False) -> str:
    """A sentence with its heading and the sentence before it (and after it, if asked) in the same section; a
    footnote with the section that cites it too ("De negen bondgenoten zijn: ..." is about the Letter of Intent
    signed there)."""
    here = sentences[j]
    parts = [here.heading]
    for k in (j - 1, j, j + 1) if after else (j - 1, j):
        if 0 <= k < len(sentences) and sentences[k].doc_id == here.doc_id and sentences[k].heading == here.heading:
            parts.append(sentences[k].text)
    home, note, _ = here.heading.rpartition(" > Voetnoot ")
    if note and home:  # the citing section comes earlier in the same letter
        cited = []
        for k in range(j - 1, -1, -1):
            if sentences[k].doc_id != here.doc_id:
                break
            if sentences[k].heading == home:
                cited.append(sentences[k].text)
        parts += reversed(cited)
    return " ".join(parts)
