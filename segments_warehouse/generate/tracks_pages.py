"""raw_product.tracks and pages: planned events as rows (identity, timestamps, context), their dirt, and the write."""

from __future__ import annotations

import numpy as np

from .. import vocab
from .arrays import arrow_table, mix, take, ts_array
from .dirt import FUTURE_DAYS, IMPLAUSIBLE_EPOCH, dirt_size, impossible_event_load_times, with_copies
from .schema import DAY, HOUR
from .text_sql import TS_BAD_DATE, TS_BLANK, TS_WORDS, TS_Z, hex_id_sql, ts_formats, ts_sql
from .user_agents import CRAWLER, GARBAGE, NO_DEVICE, UA_DEVICE, UA_SAME_OS, UA_TEXT, same_browser, user_agent_codes
from .words import EV, EV_LOGIN, OTHER_POOL, PAGES, REFERRERS, TRACK_EVENTS, UTM_SOURCES
from .world import World


def event_context(g: World, rng, c: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Device, OS, browser, country, city, locale of each event (c = -1: someone unknown, drawn at random)."""
    known = c >= 0
    cc = np.maximum(c, 0)
    pattern = np.where(known, g.device_pattern[cc], rng.integers(0, 3, k))
    mobile_kind = np.where(known, g.mobile_kind[cc], 1)
    desktop = np.where(pattern == 0, True, np.where(pattern == 1, False, rng.random(k) < 0.55))
    device = np.where(desktop, 0, mobile_kind)
    desktop_os = np.where(known, g.desktop_os[cc], rng.integers(0, len(vocab.OPERATING_SYSTEMS_DESKTOP), k))
    desktop_browser = np.where(known, g.desktop_browser[cc], rng.integers(0, len(vocab.BROWSERS), k))
    mobile_os = np.where(known, g.mobile_os[cc], rng.integers(0, 4, k))
    n_desktop_os = len(vocab.OPERATING_SYSTEMS_DESKTOP)
    os_code = np.where(device == 0, desktop_os,
                       np.where(device == 1, n_desktop_os + mobile_os, n_desktop_os + 4 + mobile_os % 2))
    ios = np.where(device == 1, mobile_os < 2, mobile_os % 2 == 0)
    browser = np.where(device == 0, desktop_browser, np.where(ios, 3, 1))  # Safari on Apple, else Chrome
    spelled = rng.random(k)
    device_text = np.where(spelled < 0.05, device + 3, np.where(spelled < 0.07, -1, device))
    country = np.where(known, g.country[cc], rng.integers(0, len(g.country_codes), k))
    where = rng.random(k)
    country = np.where(where < 0.07, rng.integers(0, len(g.country_codes), k), country)
    country = np.where(where > 0.97, -1, country)
    return {"device": device, "device_text": device_text, "os": os_code, "browser": browser, "country": country,
            "secondary": (pattern == 2) & (device != 0)}


def _user_agents(g: World, rows: dict[str, np.ndarray], known: np.ndarray, ghost: bool) -> None:
    """The user agent of each event (rows["ua"], -1: none) and the explicit context it stands in for: 3% of the
    events of known people give only the user agent (their explicit device, and OS and browser where the user
    agent names them alike, null or blank); an unknown visitor (never identified) is now and then a crawler or garbage, with no
    explicit context; 4% of events with an explicit device carry no user agent (sent server-side). From their
    own random stream (per chunk: the sequence numbers so far), so every other column stays as it was."""
    rng = g.rng("product.events", "user agents", g.track_seq, g.page_seq, ghost)
    k = len(rows["c"])
    ua = user_agent_codes(rows["os"], rows["browser"])
    only_ua = known & (rows["device_text"] >= 0) & (rng.random(k) < 0.03)
    rows["device_text"] = np.where(only_ua, -1, rows["device_text"])
    rows["os"] = np.where(only_ua & UA_SAME_OS[ua], -1, rows["os"])
    rows["browser"] = np.where(only_ua & same_browser(ua, rows["browser"]), -1, rows["browser"])
    rows["context_blank"] = only_ua & (rng.random(k) < 0.3)
    visitor = rng.random(k)
    visitor = np.where(known | ghost, 1.0, visitor)  # app users in no CRM contact (ghosts) use real browsers
    crawler = visitor < 0.15
    garbage = (visitor >= 0.15) & (visitor < 0.25)
    ua = np.where(crawler, CRAWLER, np.where(garbage, np.array(GARBAGE)[rng.integers(0, len(GARBAGE), k)], ua))
    for column in ("device_text", "os", "browser"):
        rows[column] = np.where(crawler | garbage, -1, rows[column])
    server_side = (rows["device_text"] >= 0) & (rng.random(k) < 0.04)
    rows["ua"] = np.where(server_side, -1, ua)


VALUE_DIRT = ("", "decimal_comma", "placeholder", "nan")  # rows["value_dirt"] codes: how a value is miswritten


def _values(g: World, rows: dict[str, np.ndarray], ghost: bool) -> None:
    """The numeric property of each track (rows["value"], NaN: none): an invoice_created's amount, two decimals.
    One value in 100 is written in a form the contract does not read (rows["value_dirt"], VALUE_DIRT: a decimal
    comma, a placeholder, NaN): the event is kept without it and counted. From its own random stream (per chunk:
    the sequence numbers so far), so every other column stays as it was."""
    rng = g.rng("product.events", "values", g.track_seq, g.page_seq, ghost)
    k = len(rows["c"])
    invoice = (rows["kind"] == 0) & (rows["ev"] == EV["invoice_created"])
    rows["value"] = np.where(invoice, np.round(rng.lognormal(6.0, 0.9, k), 2), np.nan)
    rows["value_dirt"] = np.where(invoice & (rng.random(k) < 0.01), rng.integers(1, len(VALUE_DIRT), k), 0
                                  ).astype(np.int8)


def write_events(g: World, rng, ev: dict[str, np.ndarray], ghost: bool = False) -> None:
    k = len(ev["c"])
    c = ev["c"]
    cc = np.maximum(c, 0)
    # page events get page codes, tracks event codes
    ev["ev"] = np.where(ev["kind"] == 1, np.where(ev["orphan"], rng.integers(0, len(PAGES), k), ev["ev"] % len(PAGES)), ev["ev"])
    ev["ev"] = np.where((ev["kind"] == 0) & ev["orphan"], np.array(OTHER_POOL + [EV_LOGIN])[rng.integers(0, 5, k)], ev["ev"])
    order = np.lexsort((ev["ts"], ev["kind"], c if not ghost else ev["orphan_no"]))
    ev = {key: v[order] for key, v in ev.items()}
    c, cc = ev["c"], np.maximum(ev["c"], 0)
    context = event_context(g, rng, c, k)
    known = c >= 0
    user = np.where(ev["anon_only"], -1, np.where(known, g.user_no[cc], np.where(
        ghost, g.n_users + g.orphan_user_pool + ev["orphan_no"] + 1, g.n_users + ev["orphan_no"] + 1)))
    # anonymous ids: 2 per contact (primary device, second device), then orphan and ghost ranges
    anon = np.where(known, 2 * cc + context["secondary"],
                    2 * g.n + (ev["orphan_no"] if not ghost else g.orphan_user_pool * 4 + ev["orphan_no"])
                    + np.where(ghost, 0, rng.integers(0, 3, k) * g.orphan_user_pool))
    anon = mix(anon, g.salt)
    late = rng.random(k) < 0.025
    received = ev["ts"] + np.where(late, rng.integers(25 * HOUR, 5 * DAY, k), rng.integers(1, 600, k))
    rows = {
        "c": c, "kind": ev["kind"], "ev": ev["ev"], "ts": ev["ts"], "user": user, "anon": anon,
        "sent": ev["ts"] + rng.integers(0, 4, k), "received": received,
        "uuid": received + rng.integers(60, 4 * HOUR, k), "fmt": ts_formats(rng, k),
        "device_text": context["device_text"], "os": context["os"], "browser": context["browser"],
        "country": context["country"], "feature": np.where(ev["ev"] == EV["feature_used"],
                                                           rng.integers(0, len(vocab.FEATURES), k), -1),
        "name_dirt": np.where(rng.random(k) < 0.03, rng.integers(1, 4, k), 0).astype(np.int8),
        "blank": np.zeros(k, dtype=np.int8), "blank_identity": np.zeros(k, dtype=bool), "late": late,
        "seq": np.zeros(k, dtype=np.int64), "page_extra": rng.integers(0, 1 << 20, k),
    }
    rows["name_dirt"] = np.where(rows["kind"] == 0, rows["name_dirt"], 0).astype(np.int8)
    _user_agents(g, rows, known, ghost)
    _values(g, rows, ghost)
    is_track = rows["kind"] == 0
    rows["seq"][is_track] = g.track_seq + np.arange(int(is_track.sum()))
    rows["seq"][~is_track] = g.page_seq + np.arange(int((~is_track).sum()))
    g.track_seq += int(is_track.sum())
    g.page_seq += int((~is_track).sum())
    erased = known & g.erased[cc]
    kept = ~erased
    for kind, key in ((0, "product.tracks"), (1, "product.pages")):
        of_kind = rows["kind"] == kind
        g.expect(key, "erasure_requested", (erased & of_kind).sum())
        g.cleanable[f"{key}.late_events"] += int((kept & late & of_kind).sum())
        g.cleanable[f"{key}.after_as_of"] += int((kept & of_kind & (rows["ts"] >= g.end)).sum())
        g.cleanable[f"{key}.device_type_needs_normalizing"] += int((kept & of_kind & (rows["device_text"] >= 3)).sum())
        g.cleanable[f"{key}.anonymous_only"] += int((kept & of_kind & (user < 0)).sum())
        ua = rows["ua"]
        parsed = (ua >= 0) & (UA_DEVICE[np.maximum(ua, 0)] != NO_DEVICE)
        g.cleanable[f"{key}.device_from_user_agent"] += int((kept & of_kind & (rows["device_text"] < 0) & parsed).sum())
        g.cleanable[f"{key}.crawler_user_agent"] += int((kept & of_kind & (ua == CRAWLER)).sum())
        g.cleanable[f"{key}.unrecognized_user_agent"] += int((kept & of_kind & np.isin(ua, GARBAGE)).sum())
        if ghost:
            g.cleanable[f"{key}.user_not_in_crm"] += int(of_kind.sum())
    g.cleanable["product.tracks.event_name_needs_normalizing"] += int((kept & (rows["name_dirt"] > 0)).sum())
    # kept, up to as_of_date (what int_events__attributed holds), with a value the contract does not read
    g.cleanable["product.tracks.unparseable_value"] += int((kept & (rows["ts"] < g.end) & (rows["value_dirt"] > 0)).sum())

    if not ghost:
        # dirt: copies of events of live, identified people; one defect each
        candidates = np.flatnonzero(known & g.clean[cc] & (user >= 0))
        picks = []
        future = np.maximum(g.end + DAY * rng.integers(*FUTURE_DAYS, k), 1_924_992_000)  # >= 2031-01-01
        specs = [
            ("missing_id", {"blank": 1}), ("missing_id", {"blank": 2}),
            ("missing_identity", {"user": -1, "anon": -1}), ("missing_identity", {"blank_identity": True}),
            ("unparseable_timestamp", {"fmt": TS_WORDS}), ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
            ("unparseable_timestamp", {"fmt": TS_BLANK}),
            ("implausible_timestamp", {"ts": "1900"}), ("future_timestamp", {"ts": "future"}),
            ("duplicate_event", {"dup": True}),
        ]
        used = np.zeros(k, dtype=bool)
        for reason, spec in specs:
            size = dirt_size(rng, len(candidates), 0.0009 if reason != "duplicate_event" else 0.003,
                             2 if reason in ("missing_id", "missing_identity", "unparseable_timestamp") else 3)
            if reason == "duplicate_event":
                pool = candidates[~used[candidates]]
                pick = np.sort(rng.choice(pool, min(size, len(pool)), replace=False))
                used[pick] = True
                delay = rng.integers(60, 3 * DAY, len(pick))
                overrides = {"received": rows["received"][pick] + delay, "uuid": rows["uuid"][pick] + delay}
            else:
                pick = np.sort(rng.choice(candidates, size, replace=False))
                overrides = {key: value for key, value in spec.items() if key != "ts"}
                if spec.get("ts") == "1900":
                    overrides["ts"] = IMPLAUSIBLE_EPOCH + rng.integers(0, DAY, len(pick))
                    overrides["fmt"] = np.zeros(len(pick), dtype=np.int8)
                elif spec.get("ts") == "future":
                    overrides["ts"] = future[pick]
                overrides["seq"] = np.where(rows["kind"][pick] == 0,
                                            g.track_seq + np.cumsum(rows["kind"][pick] == 0) - 1,
                                            g.page_seq + np.cumsum(rows["kind"][pick] == 1) - 1)
                g.track_seq += int((rows["kind"][pick] == 0).sum())
                g.page_seq += int((rows["kind"][pick] == 1).sum())
                overrides["late"] = np.zeros(len(pick), dtype=bool)
            picks.append((pick, overrides))
            for kind, key in ((0, "product.tracks"), (1, "product.pages")):
                g.expect(key, reason, (rows["kind"][pick] == kind).sum())
        # a load time no loader can have written, in received_at (2099) or uuid_ts (epoch 0), on new message ids;
        # from its own random stream (per chunk: the sequence numbers so far), so the other rows stay as they were
        loader = g.rng("product.events", "loader dirt", g.track_seq, g.page_seq)
        pick = np.sort(loader.choice(candidates, dirt_size(loader, len(candidates), 0.0009, 2), replace=False))
        picks.append((pick, {
            **impossible_event_load_times(rows, pick),
            "seq": np.where(rows["kind"][pick] == 0, g.track_seq + np.cumsum(rows["kind"][pick] == 0) - 1,
                            g.page_seq + np.cumsum(rows["kind"][pick] == 1) - 1),
            "late": np.zeros(len(pick), dtype=bool)}))
        g.track_seq += int((rows["kind"][pick] == 0).sum())
        g.page_seq += int((rows["kind"][pick] == 1).sum())
        for kind, key in ((0, "product.tracks"), (1, "product.pages")):
            g.expect(key, "impossible_load_time", (rows["kind"][pick] == kind).sum())
        rows = with_copies(rows, picks)

    for kind, (schema, table) in ((0, ("raw_product", "tracks")), (1, ("raw_product", "pages"))):
        select = rows["kind"] == kind
        part = {key: v[select] for key, v in rows.items()}
        m = len(part["c"])
        columns = {
            "_k": np.arange(m), "blank": part["blank"], "seq": mix(part["seq"], g.salt + 1 + kind),
            "user": part["user"], "anon": part["anon"], "blank_identity": part["blank_identity"],
            "ts": part["ts"], "fmt": part["fmt"], "sent": part["sent"],
            "received": ts_array(part["received"]), "uuid": ts_array(part["uuid"]),
            "device": take(g.device_values, part["device_text"]), "ua": take(UA_TEXT, part["ua"]),
            "context_blank": part["context_blank"],
            "os": take(g.os_values, part["os"]), "browser": take(g.browser_values, part["browser"]),
            "locale": take(g.locale_of, part["country"]), "country": take(g.country_codes, part["country"]),
            "city": take(g.city_of, part["country"]),
        }
        common = {
            "user_id": f"case when blank_identity then '' when user < 0 then null "
                       f"else 'u_' || lpad(cast(user as varchar), {g.uwidth}, '0') end",
            "anonymous_id": "case when blank_identity then '' when anon < 0 then null "
                            "else 'anon_' || printf('%012x', anon) end",
            "timestamp": ts_sql("ts", "fmt"), "sent_at": ts_sql("sent", TS_Z), "received_at": "received",
            "context_device_type": "case when context_blank then coalesce(device, '') else device end",
            "context_os_name": "case when context_blank then coalesce(os, '') else os end",
            "context_browser": "case when context_blank then coalesce(browser, '') else browser end",
            "context_user_agent": "ua",
            "context_locale": "locale", "context_country": "country", "context_city": "city", "uuid_ts": "uuid",
        }
        if kind == 0:
            columns.update({
                "name": take(TRACK_EVENTS, part["ev"]), "name_dirt": part["name_dirt"],
                "text": take([e.replace("_", " ").capitalize() for e in TRACK_EVENTS], part["ev"]),
                "feature": take(vocab.FEATURES, part["feature"]),
                "value": part["value"], "value_dirt": part["value_dirt"],
            })
            g.sink.write(schema, table, {
                "id": hex_id_sql("evt_", "seq"), **common,
                "event": "case name_dirt when 1 then upper(substr(name, 1, 1)) || substr(name, 2) "
                         "when 2 then ' ' || name || ' ' when 3 then upper(name) else name end",
                "event_text": "text", "feature": "feature",
                "value": "case value_dirt when 1 then replace(printf('%.2f', value), '.', ',') when 2 then 'n/a' "
                         "when 3 then 'NaN' else printf('%.2f', value) end",
            }, arrow_table(columns))
        else:
            extra = part["page_extra"]
            columns.update({
                "path": take([p for p, _ in PAGES], part["ev"]), "title": take([t for _, t in PAGES], part["ev"]),
                "referrer": take(REFERRERS, extra % len(REFERRERS)),
                "utm": take(UTM_SOURCES, (extra // 7) % len(UTM_SOURCES)),
            })
            g.sink.write(schema, table, {
                "id": hex_id_sql("pg_", "seq"), **common,
                "url": "'https://app.example.com' || path", "path": "path", "referrer": "referrer",
                "title": "title", "context_campaign_source": "utm",
            }, arrow_table(columns))
