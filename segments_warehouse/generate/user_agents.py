"""context_user_agent of product events: a small, fixed set of real browser user agents (staging parses each
distinct one once, with ua-parser's rules: docs/raw_contract.md), one per device, OS and browser the generator
writes, plus a crawler and garbage.

Every event carries the user agent of its device, except server-side ones (none). Where the explicit
context_device_type, context_os_name or context_browser is given it wins; on some events they are null or blank and
staging reads them from the user agent. Only the explicit columns the user agent tells apart identically are left
out (its OS family where ua-parser names it as the explicit value is cleaned: `windows`, `linux`, `ios`,
`android`; not `mac os x` for `macOS 14.1`; its browser where it is the same family: not `mobile safari` for
`Safari 17.1`), so the device, OS and browser each person uses stay what the explicit values say.
"""

from __future__ import annotations

import numpy as np

from .. import vocab

DESKTOP, MOBILE, TABLET, NO_DEVICE = 0, 1, 2, -1
_CHROME, _FIREFOX, _SAFARI, _EDGE = "chrome", "firefox", "safari", "edge"
# (user agent, device it parses to, OS family named as the explicit OS cleans, browser family named likewise)
USER_AGENTS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
     "Safari/537.36", DESKTOP, True, _CHROME),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
     "Safari/537.36 Edg/119.0.2151.58", DESKTOP, True, _EDGE),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", DESKTOP, True, _FIREFOX),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
     "Safari/605.1.15", DESKTOP, False, _SAFARI),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
     "Safari/537.36", DESKTOP, False, _CHROME),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", DESKTOP, True, _FIREFOX),
    ("Mozilla/5.0 (X11; CrOS x86_64 15633.69.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.212 "
     "Safari/537.36", DESKTOP, False, _CHROME),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1", MOBILE, True, None),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 "
     "Mobile Safari/537.36", MOBILE, True, None),
    ("Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
     "Chrome/115.0.0.0 Mobile Safari/537.36", MOBILE, True, None),
    ("Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
     "Mobile/15E148 Safari/604.1", TABLET, False, None),
    ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 "
     "Safari/537.36", TABLET, True, _CHROME),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", NO_DEVICE, False, None),
    ("-", NO_DEVICE, False, None),
    ("(null)", NO_DEVICE, False, None),
]
UA_TEXT = [ua for ua, _, _, _ in USER_AGENTS]
UA_DEVICE = np.array([device for _, device, _, _ in USER_AGENTS])
UA_SAME_OS = np.array([same for _, _, same, _ in USER_AGENTS])
CRAWLER, GARBAGE = 12, [13, 14]
# OS codes of tracks_pages (vocab.OPERATING_SYSTEMS_DESKTOP, then MOBILE_OS mobile, then tablet) -> user agent
_BY_OS = np.array([0, 0, 3, 5, 6, 7, 7, 8, 9, 10, 11])
_FAMILY = [browser.split()[0].lower() for browser in vocab.BROWSERS]


def user_agent_codes(os_code: np.ndarray, browser: np.ndarray) -> np.ndarray:
    """The user agent of each event's OS and browser (an Edge or Firefox on Windows, a Chrome on a Mac get theirs)."""
    family = np.array(_FAMILY)[browser]
    code = _BY_OS[os_code]
    windows = os_code <= 1
    code = np.where(windows & (family == _EDGE), 1, np.where(windows & (family == _FIREFOX), 2, code))
    return np.where((os_code == 2) & (family == _CHROME), 4, code)


def same_browser(ua: np.ndarray, browser: np.ndarray) -> np.ndarray:
    """True where the user agent's browser family is the explicit browser's (the explicit one may then be left out)."""
    ua_family = np.array([family or "" for _, _, _, family in USER_AGENTS])[np.maximum(ua, 0)]
    return (ua >= 0) & (ua_family == np.array(_FAMILY)[browser])
