"""Small vocabularies of the generator itself: names, companies, places, pages, events (the dirty spellings staging
must handle live in segments_warehouse/vocab.py)."""

from __future__ import annotations

from .. import vocab

# --------------------------------------------------------------------------------------------------------------
# small vocabularies of the generator itself (the dirty spellings staging must handle live in vocab.py)

FIRST_NAMES = [("Ada", "ada"), ("Bo", "bo"), ("Chloé", "chloe"), ("Dmitri", "dmitri"), ("Elif", "elif"),
               ("Femi", "femi"), ("Grace", "grace"), ("Hiro", "hiro"), ("Inès", "ines"), ("José", "jose"),
               ("Kai", "kai"), ("Lena", "lena"), ("Maya", "maya"), ("Noah", "noah"), ("Olu", "olu"),
               ("Priya", "priya"), ("Quinn", "quinn"), ("Rafael", "rafael"), ("Sara", "sara"), ("Tomás", "tomas"),
               ("Uma", "uma"), ("Viktor", "viktor"), ("Wei", "wei"), ("Zoë", "zoe")]
LAST_NAMES = [("Andersen", "andersen"), ("Bianchi", "bianchi"), ("Chen", "chen"), ("Diallo", "diallo"),
              ("Evans", "evans"), ("Fischer", "fischer"), ("García", "garcia"), ("Haddad", "haddad"),
              ("Ivanova", "ivanova"), ("Jones", "jones"), ("Kowalski", "kowalski"), ("López", "lopez"),
              ("Müller", "muller"), ("Nakamura", "nakamura"), ("O'Brien", "obrien"), ("Patel", "patel"),
              ("Rossi", "rossi"), ("Silva", "silva"), ("Tanaka", "tanaka"), ("Okafor", "okafor")]
DOMAINS = ["example.com", "mail.test", "corp.example", "inbox.test", "work.example"]
# email parts of people who are in no CRM contact (ghost app users, unknown respondents, former customers)
OUTSIDERS = [("ghost", "user", "nowhere.test"), ("visitor", "anon", "survey.test"), ("former", "customer", "gone.test")]
CITIES = {"US": ("CA", "San Francisco"), "GB": ("England", "London"), "DE": ("Berlin", "Berlin"),
          "FR": ("Île-de-France", "Paris"), "IN": ("Karnataka", "Bengaluru"), "JP": ("Tokyo", "Tokyo"),
          "BR": ("SP", "São Paulo"), "AU": ("NSW", "Sydney"), "CA": ("ON", "Toronto"), "ES": ("Madrid", "Madrid"),
          "NL": ("North Holland", "Amsterdam"), "MX": ("CDMX", "Mexico City"), "SG": (None, "Singapore")}
LOCALES = {"US": "en-US", "CA": "en-CA", "MX": "es-MX", "BR": "pt-BR", "AR": "es-AR", "CO": "es-CO", "CL": "es-CL",
           "GB": "en-GB", "DE": "de-DE", "FR": "fr-FR", "ES": "es-ES", "IT": "it-IT", "NL": "nl-NL", "SE": "sv-SE",
           "PL": "pl-PL", "IE": "en-IE", "CH": "de-CH", "NO": "nb-NO", "TR": "tr-TR", "AE": "ar-AE", "ZA": "en-ZA",
           "NG": "en-NG", "IN": "en-IN", "JP": "ja-JP", "CN": "zh-CN", "KR": "ko-KR", "SG": "en-SG", "AU": "en-AU",
           "NZ": "en-NZ", "ID": "id-ID"}
COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Tyrell",
                 "Cyberdyne", "Aperture", "Massive", "Pied Piper", "Dunder", "Wonka", "Gringotts", "Oceanic"]
COMPANY_SUFFIXES = ["Inc.", "GmbH", "Ltd", "LLC", "S.A.", "BV", "Labs", "Group", "AB", "Pty Ltd"]
OWNERS = ["Alex Rivera", "Sam Okoye", "Jo Lindqvist", "Priya Nair", "Chris Weber", None]
TICKET_SUBJECTS = ["Cannot log in", "Invoice question", "Bug in reports", "Feature request", "Export fails",
                   "Integration broken", "Billing change", "Slow dashboard"]
TICKET_PRIORITIES = ["low", "normal", "High", "urgent"]
TICKET_STATUSES = ["open", "pending", "solved", "closed"]
PAGES = [("/", "Home"), ("/pricing", "Pricing"), ("/docs", "Documentation"), ("/app/dashboard", "Dashboard"),
         ("/app/reports", "Reports"), ("/app/invoices", "Invoices"), ("/app/settings", "Settings"),
         ("/blog/segmentation", "Blog: segmentation"), ("/integrations", "Integrations")]
REFERRERS = ["https://www.google.com/", "https://www.linkedin.com/", "https://news.ycombinator.com/", None, None]
UTM_SOURCES = ["google", "newsletter", "linkedin", "partner", None, None]
TRACK_EVENTS = [vocab.LOGIN_EVENT, *vocab.CORE_EVENTS, *vocab.OTHER_EVENTS]
EV = {name: i for i, name in enumerate(TRACK_EVENTS)}
EV_LOGIN = EV[vocab.LOGIN_EVENT]
CORE_POOL = [EV["report_created"], EV["integration_connected"]]  # invoices come from their own plan
OTHER_POOL = [EV[e] for e in vocab.OTHER_EVENTS]
OTHER_WEIGHTS = [0.45, 0.3, 0.1, 0.15]
MOBILE_OS = {"mobile": ["iOS 17.1", "iOS 16.6", "Android 14", "Android 13"], "tablet": ["iPadOS 17.1", "Android 14"]}
# keys of vars placeholder_values (dbt_project.yml): country garbage equal to these is "missing", not unrecognized
PLACEHOLDER_KEYS = {"na", "none", "null", "unknown", "", "tbd", "notprovided", "notapplicable"}
