"""Recurring themes that fit no reason, found with a topic model for analysts to name.

Non-negative matrix factorisation over TF-IDF of the sentences that support no taxonomy reason.
Each theme is reported with its top terms, how many sentences it dominates and the sentence that
represents it best. Politeness words and function words (English and French) are removed so
themes are about content, not about "thanks" and "hello".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FRENCH_STOP_WORDS = _words(
    "a à au aux avec ce ces c cet cette d dans de des du elle en est et eu il ils j je l la le "
    "les leur lui m ma mais me mes moi mon n ne nos notre nous on ou où par pas pour qu que qui "
    "s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y été être ai as avons "
    "avez ont suis es sommes êtes sont était plus très tout tous toute toutes bien"
)
# Courtesy and filler words of customer messages: a theme made of them names nothing.
POLITENESS = _words(
    "hello hi hey thanks thank regards kind sorry please dear morning evening good ok okay "
    "help hope advise trouble delay honest honestly understanding soon possible "
    "bonjour bonsoir merci cordialement désolé désolée svp aider espère honnête retard "
    "compréhension possible"
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | FRENCH_STOP_WORDS | POLITENESS)
MAX_THEMES = 8
MIN_SENTENCES = 20
MIN_THEME_SIZE = 5
TOP_TERMS = 6
SEED = 0
FIT_SAMPLE = 30_000


def find_themes(sentences: list[str], max_themes: int = MAX_THEMES) -> pd.DataFrame:
    """Themes among ``sentences``: theme_id, top_terms, doc_count, example_quote."""
    columns = ["theme_id", "top_terms", "doc_count", "example_quote"]
    sentences = [s.strip() for s in sentences if len(s.split()) >= 3]
    if len(sentences) < MIN_SENTENCES:
        return pd.DataFrame(columns=columns)
    vectorizer = TfidfVectorizer(stop_words=STOP_WORDS, ngram_range=(1, 2), min_df=3,
                                 max_df=0.5, sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b")
    # Fit on a fixed-seed sample (NMF cost grows with rows), then assign every sentence.
    rng = np.random.default_rng(SEED)
    sample = sentences if len(sentences) <= FIT_SAMPLE else \
        [sentences[i] for i in rng.choice(len(sentences), FIT_SAMPLE, replace=False)]
    try:
        fitted = vectorizer.fit_transform(sample)
    except ValueError:  # nothing left after stop words and min_df
        return pd.DataFrame(columns=columns)
    k = max(2, min(max_themes, fitted.shape[1] - 1, len(sample) // MIN_THEME_SIZE))
    nmf = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=400)
    nmf.fit(fitted)
    weights = nmf.transform(vectorizer.transform(sentences))
    terms = np.array(vectorizer.get_feature_names_out())
    dominant = weights.argmax(axis=1)
    has_topic = weights.max(axis=1) > 0
    rows = []
    for t in range(k):
        members = np.flatnonzero((dominant == t) & has_topic)
        if members.size < MIN_THEME_SIZE:
            continue
        top = terms[np.argsort(-nmf.components_[t])[:TOP_TERMS]]
        best = members[np.argmax(weights[members, t])]
        rows.append({"top_terms": ", ".join(top), "doc_count": int(members.size),
                     "example_quote": sentences[best]})
    themes = pd.DataFrame(rows, columns=columns[1:]).sort_values("doc_count", ascending=False)
    themes.insert(0, "theme_id", [f"theme_{i + 1:02d}" for i in range(len(themes))])
    return themes.reset_index(drop=True)
