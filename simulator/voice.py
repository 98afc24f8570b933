"""What customers write and say: feedback rows and recorded calls, from simulator.texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from simulator import timeline as cal
from simulator.dunning import CALL, CHANNELS, REASONS
from simulator.episodes import EpisodeResult
from simulator.ids import make_ids, take_strings, take_strings_nullable
from simulator.portfolio import LANGUAGES, Portfolio
from simulator.tables import customer_ids, local_time_us, plan_ids, ts

FEEDBACK_CHANNELS = ("sms", "email", "web", "chat", "call", "app")
# Complaints about being contacted too often (planted effect (e) raises how many there are).
COMPLAINTS = {
    "en": ("Stop sending me messages every day.", "This is the fourth text this week, stop it.",
           "I am fed up with all these reminders and calls.",
           "Too many messages, this is harassment."),
    "fr": ("Arrêtez de m'envoyer des messages tous les jours.",
           "C'est le quatrième SMS cette semaine, ça suffit.",
           "J'en ai assez de toutes ces relances.", "Trop de messages, c'est du harcèlement."),
}
# satisfaction 1..5 leans low for the angrier reasons
_SAT_SHIFT = np.array([0.0, 0.0, 0.5, 0.0, -1.0, -1.0, 0.0, -0.5, -1.5, 0.0])


def feedback(pf: Portfolio, res: EpisodeResult, rng: np.random.Generator,
             contact_index: dict[str, np.ndarray]) -> tuple[pa.Table, dict[str, np.ndarray]]:
    from simulator.texts import feedback_comments

    ep = res.episodes
    n = ep.n
    p_write = np.where(REASONS_ARRAY[ep.reason] == "dispute_or_return", 0.45, 0.15)
    lag = rng.integers(2, 26, n)
    write = (rng.random(n) < p_write) & (ep.open_day + lag <= cal.END)
    e = np.flatnonzero(write)
    lang = pf.cust_language[ep.cust[e]]
    lang_s = np.array(LANGUAGES)[lang]
    comments = feedback_comments(REASONS_ARRAY[ep.reason[e]], lang_s, rng)
    picked = rng.random(e.size) < 0.4
    reason_code = np.where(picked, ep.reason[e], -1)
    channel = rng.choice(len(FEEDBACK_CHANNELS), size=e.size, p=[0.1, 0.2, 0.25, 0.1, 0.05, 0.3])
    sat = np.clip(np.round(3 + _SAT_SHIFT[ep.reason[e]] + rng.normal(0, 1, e.size)), 1, 5)
    submitted = local_time_us(ep.open_day[e] + lag[write], ep.tz[e],
                              rng.integers(7 * 60, 23 * 60, e.size))
    cust, plan = ep.cust[e], ep.plan[e]
    # complaints after a contact
    comp = res.outcome.complaints
    ce = comp["ep"] if comp else np.array([], dtype=np.int64)
    keep = ep.open_day[ce] + comp["t"] + 1 <= cal.END if ce.size else np.array([], bool)
    ce = ce[keep]
    ct = comp["t"][keep] if ce.size else np.array([], dtype=np.int64)
    c_lang = pf.cust_language[ep.cust[ce]]
    c_text = np.empty(ce.size, dtype=object)
    for k, language in enumerate(LANGUAGES):
        rows = np.flatnonzero(c_lang == k)
        options = np.array(COMPLAINTS[language], dtype=object)
        c_text[rows] = options[rng.integers(0, options.size, rows.size)]
    c_channel = np.where(comp["channel"][keep] == 0, 0, 1) if ce.size else np.array([], int)
    c_sub = local_time_us(ep.open_day[ce] + ct, ep.tz[ce], rng.integers(18 * 60, 23 * 60, ce.size))
    all_comments = np.concatenate([comments, c_text]).astype(object)
    cols = dict(
        cust=np.concatenate([cust, ep.cust[ce]]), plan=np.concatenate([plan, ep.plan[ce]]),
        at=np.concatenate([submitted, c_sub]), channel=np.concatenate([channel, c_channel]),
        reason=np.concatenate([reason_code, np.full(ce.size, -1)]),
        sat=np.concatenate([sat, np.ones(ce.size)]).astype(np.int64),
        true_reason=np.concatenate([ep.reason[e], ep.reason[ce]]),
        complaint=np.concatenate([np.zeros(e.size, bool), np.ones(ce.size, bool)]),
        ep=np.concatenate([e, ce]),
    )
    order = np.argsort(cols["at"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    all_comments = all_comments[order]
    m = order.size
    table = pa.table({
        "feedback_id": make_ids("F", np.arange(m), 9),
        "customer_id": customer_ids(cols["cust"]),
        "plan_id": plan_ids(cols["plan"]),
        "submitted_at": ts(cols["at"]),
        "channel": take_strings(FEEDBACK_CHANNELS, cols["channel"]),
        "reason_code": take_strings_nullable(REASONS, cols["reason"]),
        "comment": pa.array(all_comments.tolist(), type=pa.string()),
        "satisfaction": pa.array(cols["sat"]),
    })
    return table, cols


REASONS_ARRAY = np.array(REASONS, dtype=object)


def calls(out: Path, k: int, pf: Portfolio, res: EpisodeResult, rng: np.random.Generator,
          contact_index: dict[str, np.ndarray], progress=None,
          languages: tuple[str, ...] = ("en",)) -> tuple[pa.Table, list[dict]]:
    """Pick ``k`` right-party calls with customers speaking one of ``languages``, write a script
    in which the customer states the episode's true reason, and synthesize each with espeak-ng
    into ``out/calls``. English only by default: the default Whisper model is English-only."""
    from simulator.schema import empty_table

    if k <= 0:
        return empty_table("calls"), []
    from simulator.texts import call_script
    from speech.synthesize import synthesize_call

    ci = contact_index
    wanted = np.array([lang in languages for lang in LANGUAGES])
    cand = np.flatnonzero((ci["channel"] == CALL) & (ci["outcome"] == 4) & (ci["ep"] >= 0)
                          & ~ci["inbound"] & wanted[pf.cust_language[ci["cust"]]])
    if cand.size == 0:
        return empty_table("calls"), []
    # spread over reasons: round-robin over the reasons present, so every reason is heard
    reasons = res.episodes.reason[ci["ep"][cand]]
    order = rng.permutation(cand.size)
    chosen: list[int] = []
    pools = {r: list(order[reasons[order] == r]) for r in np.unique(reasons)}
    while len(chosen) < min(k, cand.size):
        for r in list(pools):
            if pools[r] and len(chosen) < k:
                chosen.append(int(pools[r].pop()))
    rows = cand[np.array(chosen, dtype=np.int64)]
    records, truth = [], []
    for i, row in enumerate(rows):
        e = ci["ep"][row]
        reason = REASONS[res.episodes.reason[e]]
        language = LANGUAGES[pf.cust_language[res.episodes.cust[e]]]
        script = call_script(reason, language, rng)
        call_id = f"CL{i:06d}"
        path = out / "calls" / f"{call_id}.wav"
        duration = synthesize_call(script, path, language=language)
        records.append((call_id, int(row), int(res.episodes.cust[e]), int(ci["sent"][row]),
                        duration, f"calls/{call_id}.wav", language))
        truth.append({"call_id": call_id, "contact_id": f"K{int(row):010d}",
                      "customer_id": f"C{int(res.episodes.cust[e]):08d}", "reason": reason,
                      "language": language,
                      "script": "\n".join(f"{s}: {line}" for s, line in script)})
        if progress is not None:
            progress()
    table = pa.table({
        "call_id": pa.array([r[0] for r in records]),
        "contact_id": pa.array([f"K{r[1]:010d}" for r in records]),
        "customer_id": pa.array([f"C{r[2]:08d}" for r in records]),
        "started_at": ts(np.array([r[3] for r in records], dtype=np.int64)),
        "duration_s": pa.array([float(r[4]) for r in records]),
        "audio_path": pa.array([r[5] for r in records]),
        "language": pa.array([r[6] for r in records]),
    })
    return table, truth


__all__ = ["CHANNELS", "calls", "feedback"]
