"""Product events: what each persona does when (see docs/SEGMENTS.md behavioral rules), on which device and where;
per chunk of contacts, so memory stays bounded; plus orphan and ghost users."""

from __future__ import annotations

import numpy as np

from .. import vocab
from .arrays import choice, uniform_int
from .dirt import dirt_size
from .identifies import write_identifies
from .schema import DAY, HOUR
from .tracks_pages import write_events
from .words import CITIES, CORE_POOL, EV, EV_LOGIN, LOCALES, MOBILE_OS, OTHER_POOL, OTHER_WEIGHTS, PAGES
from .world import ACTIVE, AT_RISK, DORMANT, NEVER, NEW, POWER, World

EVENT_CHUNK_CONTACTS = 50_000


# -- product events --------------------------------------------------------------------------------------------


def event_setup(g: World) -> None:
    g.track_seq = 0
    g.page_seq = 0
    g.identify_seq = 0
    codes = g.country_codes
    g.locale_of = [LOCALES.get(c, "en-US") for c in codes]
    g.city_of = [CITIES.get(c, (None, None))[1] for c in codes]
    g.device_values = ["desktop", "mobile", "tablet", *vocab.DEVICE_SPELLINGS_EXTRA]
    g.os_values = vocab.OPERATING_SYSTEMS_DESKTOP + MOBILE_OS["mobile"] + MOBILE_OS["tablet"]
    g.browser_values = vocab.BROWSERS


def _plan_events(g: World, rng, contacts: np.ndarray) -> dict[str, np.ndarray]:
    """The identified product events of a chunk of contacts, by persona (see SEGMENTS.md behavioral rules)."""
    persona = g.persona[contacts]
    first = g.first_day
    parts: dict[str, list] = {"c": [], "kind": [], "ev": [], "ts": [], "anon_only": []}

    def add(who, kind, events, days=None, ts=None, anon_only=False):
        if ts is None:
            ts = g.day_start(days) + rng.integers(0, DAY, len(who))
        parts["c"].append(who)
        parts["kind"].append(np.full(len(who), kind, dtype=np.int8))
        parts["ev"].append(np.asarray(events, dtype=np.int16) if np.ndim(events) else np.full(len(who), events, dtype=np.int16))
        parts["ts"].append(ts)
        parts["anon_only"].append(np.full(len(who), anon_only))

    def component(personas, count_low, count_high, kind, events, day_low, day_high, share=1.0, capped=True):
        members = contacts[np.isin(persona, personas) & (rng.random(len(contacts)) < share)]
        who = np.repeat(members, rng.integers(count_low, count_high + 1, len(members)))
        high = np.minimum(day_high, first[who]) if capped else np.full(len(who), day_high)
        who, high = who[high >= day_low], high[high >= day_low]
        if events == "core":
            events = np.array(CORE_POOL)[rng.integers(0, len(CORE_POOL), len(who))]
        elif events == "other":
            events = np.array(OTHER_POOL)[choice(rng, len(who), OTHER_WEIGHTS)]
        elif events == "page":
            events = rng.integers(0, len(PAGES), len(who))
        add(who, kind, events, uniform_int(rng, np.full(len(who), day_low), high))
        return who

    login, track, page = EV_LOGIN, 0, 1
    active_ones = contacts[persona != NEVER]
    # the first login, on the first day of activity; sign-up (the first identify) a little before it
    first_login = g.day_start(first[active_ones]) + rng.integers(HOUR, DAY - HOUR, len(active_ones))
    add(active_ones, track, login, ts=first_login)
    g.signup[active_ones] = first_login - rng.integers(60, 1800, len(active_ones))
    # power users: 16..40 logins in the last 30 days, one in the last 7, core events in the last 30
    component([POWER], 1, 1, track, login, 0, 6)
    component([POWER], 15, 39, track, login, 0, 29)
    component([POWER], 5, 30, track, login, 30, 395)
    component([POWER], 2, 12, track, "core", 0, 29)
    component([POWER], 15, 45, track, "other", 0, 395)
    component([POWER], 10, 30, page, "page", 0, 395)
    # active: a login in the last 7 days, at most 13 in the last 30, first activity > 20 days ago
    component([ACTIVE], 1, 1, track, login, 0, 6)
    component([ACTIVE], 0, 11, track, login, 0, 29)
    component([ACTIVE], 2, 20, track, login, 30, 395)
    component([ACTIVE], 0, 4, track, "core", 0, 395)
    component([ACTIVE], 3, 20, track, "other", 0, 395)
    component([ACTIVE], 5, 20, page, "page", 0, 395)
    # new: everything within the last 13 days; half of them without a core event yet
    component([NEW], 0, 7, track, login, 0, 12)
    component([NEW], 1, 3, track, "core", 0, 12, share=0.5)
    component([NEW], 1, 8, track, "other", 0, 12)
    component([NEW], 1, 10, page, "page", 0, 12)
    # at risk: the last login 8..29 days ago
    component([AT_RISK], 1, 1, track, login, 8, 29)
    component([AT_RISK], 1, 10, track, login, 8, 395)
    component([AT_RISK], 0, 3, track, "core", 8, 395)
    component([AT_RISK], 2, 12, track, "other", 8, 395)
    component([AT_RISK], 2, 12, page, "page", 8, 395)
    # dormant: everything more than 31 days ago
    component([DORMANT], 0, 15, track, login, 32, 395)
    component([DORMANT], 1, 10, track, "other", 32, 395)
    component([DORMANT], 2, 12, page, "page", 32, 395)
    # heavy report users (upsell candidates): >= 15 reports in all
    component([POWER, ACTIVE], 15, 30, track, EV["report_created"], 0, 395, share=0.05)
    # invoices created in the last 30 days; some sent after the first of them, some never sent
    members = contacts[np.isin(persona, [POWER, ACTIVE, AT_RISK]) & (rng.random(len(contacts)) < 0.2)]
    created_count = rng.integers(1, 4, len(members))
    who = np.repeat(members, created_count)
    created_ts = g.day_start(uniform_int(rng, np.ones(len(who)), np.minimum(29, first[who]))) + rng.integers(0, DAY, len(who))
    add(who, track, EV["invoice_created"], ts=created_ts)
    if len(members):
        first_created = np.minimum.reduceat(created_ts, np.cumsum(created_count) - created_count)
        senders = rng.random(len(members)) < 0.55
        sent_count = rng.integers(1, 3, len(members))
        sent_who = np.repeat(members[senders], sent_count[senders])
        sent_ts = np.minimum(np.repeat(first_created[senders], sent_count[senders])
                             + rng.integers(5 * 60, 3 * DAY, len(sent_who)), g.end - 1)
        add(sent_who, track, EV["invoice_sent"], ts=sent_ts)
        g.invoice_not_sent += int((g.clean[members] & ~senders).sum())
    # older invoices, created and sent
    component([POWER, ACTIVE, AT_RISK, DORMANT], 1, 4, track, EV["invoice_created"], 32, 395, share=0.15)
    component([POWER, ACTIVE, AT_RISK, DORMANT], 1, 3, track, EV["invoice_sent"], 32, 395, share=0.15)
    # pre-sign-up page views under the anonymous id only (tied to the user by the sign-up identify)
    members = contacts[(persona == ACTIVE) & (rng.random(len(contacts)) < 0.2)]
    who = np.repeat(members, rng.integers(1, 6, len(members)))
    add(who, page, rng.integers(0, len(PAGES), len(who)),
        ts=g.signup[who] - rng.integers(10 * 60, 10 * DAY, len(who)), anon_only=True)
    # a few events on the partial day after as_of: the marts must ignore them
    component([POWER, ACTIVE], 1, 2, track, login, -1, -1, share=0.04, capped=False)
    return {key: np.concatenate(value) for key, value in parts.items()}


def events(g: World, advance) -> None:
    event_setup(g)
    g.signup = np.full(g.n, -1, dtype=np.int64)
    g.invoice_not_sent = 0
    for part, low in enumerate(range(0, g.n, EVENT_CHUNK_CONTACTS)):
        contacts = np.arange(low, min(g.n, low + EVENT_CHUNK_CONTACTS))
        _event_chunk(g, g.rng("events", part), contacts)
        advance()
    ghosts(g, g.rng("ghosts"))
    g.cleanable["product.contacts_with_invoice_created_not_sent"] = g.invoice_not_sent


def _event_chunk(g: World, rng, contacts: np.ndarray) -> None:
    ev = _plan_events(g, rng, contacts)
    # orphans (kept): events of user ids never identified, and of anonymous ids never identified
    k = len(ev["c"])
    orphans = dirt_size(rng, k, 0.004, 4)
    orphan_kind = rng.integers(0, 2, orphans)
    g.cleanable["product.events.orphan_user_never_identified"] += int((orphan_kind == 0).sum())
    g.cleanable["product.events.orphan_anonymous_never_identified"] += int((orphan_kind == 1).sum())
    ev = {
        "c": np.concatenate([ev["c"], np.full(orphans, -1)]),
        "kind": np.concatenate([ev["kind"], (rng.random(orphans) < 0.4).astype(np.int8)]),
        "ev": np.concatenate([ev["ev"], np.zeros(orphans, dtype=np.int16)]),
        "ts": np.concatenate([ev["ts"], g.day_start(rng.integers(0, 395, orphans)) + rng.integers(0, DAY, orphans)]),
        "anon_only": np.concatenate([ev["anon_only"], orphan_kind == 1]),
        "orphan": np.concatenate([np.zeros(k, dtype=bool), np.ones(orphans, dtype=bool)]),
        "orphan_no": np.concatenate([np.full(k, -1), rng.integers(0, g.orphan_user_pool, orphans)]),
    }
    write_events(g, rng, ev)
    write_identifies(g, rng, contacts[g.has_user[contacts]])


def ghosts(g: World, rng) -> None:
    """App users whose email is in no CRM contact: identified, active, linked to no one (kept, not lost)."""
    ghost_no = np.arange(g.ghost_users)
    counts = rng.integers(2, 11, g.ghost_users)
    who = np.repeat(ghost_no, counts)
    k = len(who)
    ev = {"c": np.full(k, -1), "kind": (rng.random(k) < 0.4).astype(np.int8),
          "ev": np.zeros(k, dtype=np.int16), "ts": g.day_start(rng.integers(0, 90, k)) + rng.integers(0, DAY, k),
          "anon_only": np.zeros(k, dtype=bool), "orphan": np.ones(k, dtype=bool), "orphan_no": who}
    write_events(g, rng, ev, ghost=True)
    write_identifies(g, rng, ghost_no, ghost_emails=True)
