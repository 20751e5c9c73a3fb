"""Vocabulary the generator draws from: clean values and the dirty spellings real sources contain.

The seeds in ``seeds/`` must map every dirty spelling here to its clean value; ``tests/python/test_vocab.py``
checks that they do, so a new spelling added here without a seed row fails the tests.
"""

# ISO code -> spellings seen in CRM free-text country fields (the ISO code itself, in any case, always works).
COUNTRY_SPELLINGS: dict[str, list[str]] = {
    "US": ["United States", "USA", "US", "us", "U.S.A.", "United States of America", "u.s.", "America"],
    "CA": ["Canada", "CA", "canada", "CAN"],
    "MX": ["Mexico", "México", "MX", "mexico"],
    "BR": ["Brazil", "Brasil", "BR"],
    "AR": ["Argentina", "AR"],
    "CO": ["Colombia", "CO"],
    "CL": ["Chile", "CL"],
    "GB": ["United Kingdom", "UK", "U.K.", "Great Britain", "England", "GB", "Scotland"],
    "DE": ["Germany", "Deutschland", "DE", "germany", "GER"],
    "FR": ["France", "FR", "france", "République française"],
    "ES": ["Spain", "España", "ES"],
    "IT": ["Italy", "Italia", "IT"],
    "NL": ["Netherlands", "The Netherlands", "Holland", "NL", "Nederland"],
    "SE": ["Sweden", "Sverige", "SE"],
    "PL": ["Poland", "Polska", "PL"],
    "IE": ["Ireland", "IE", "Republic of Ireland"],
    "CH": ["Switzerland", "Schweiz", "CH"],
    "NO": ["Norway", "Norge", "NO"],
    "TR": ["Turkey", "Türkiye", "TR"],
    "AE": ["United Arab Emirates", "UAE", "AE"],
    "ZA": ["South Africa", "ZA", "RSA"],
    "NG": ["Nigeria", "NG"],
    "IN": ["India", "IN", "Bharat"],
    "JP": ["Japan", "JP", "Nippon"],
    "CN": ["China", "CN", "PRC", "People's Republic of China"],
    "KR": ["South Korea", "Korea, Republic of", "KR", "Republic of Korea"],
    "SG": ["Singapore", "SG"],
    "AU": ["Australia", "AU", "australia", "Oz"],
    "NZ": ["New Zealand", "NZ", "Aotearoa"],
    "ID": ["Indonesia", "ID"],
}
# Relative weight of each country among contacts (roughly a SaaS customer base).
COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 30, "CA": 5, "MX": 2, "BR": 3, "AR": 1, "CO": 1, "CL": 1, "GB": 9, "DE": 7, "FR": 5, "ES": 3, "IT": 2,
    "NL": 2, "SE": 1, "PL": 1, "IE": 1, "CH": 1, "NO": 1, "TR": 1, "AE": 1, "ZA": 1, "NG": 1, "IN": 5, "JP": 3,
    "CN": 1, "KR": 1, "SG": 1, "AU": 3, "NZ": 1, "ID": 1,
}
# Strings that name no country: staging leaves the country unknown (not quarantined).
COUNTRY_GARBAGE: list[str] = ["", "N/A", "unknown", "-", "Earth", "123"]

GENDER_SPELLINGS: dict[str, list[str]] = {
    "female": ["female", "Female", "F", "f", "woman", "Woman", "FEMALE"],
    "male": ["male", "Male", "M", "m", "man", "MALE"],
    "non_binary": ["non-binary", "Non-binary", "nonbinary", "NB", "enby"],
    "other": ["other", "Other", "genderqueer"],
    "undisclosed": ["prefer not to say", "Prefer not to say", "undisclosed", "", "N/A", "unknown"],
}

LIFECYCLE_SPELLINGS: dict[str, list[str]] = {
    "subscriber": ["subscriber", "Subscriber"],
    "lead": ["lead", "Lead", "LEAD"],
    "marketing_qualified_lead": ["marketingqualifiedlead", "MQL", "Marketing Qualified Lead", "mql"],
    "sales_qualified_lead": ["salesqualifiedlead", "SQL", "Sales Qualified Lead", "sql"],
    "opportunity": ["opportunity", "Opportunity", "opp"],
    "customer": ["customer", "Customer", "CUSTOMER", "client"],
    "evangelist": ["evangelist", "Evangelist", "advocate"],
    "other": ["other", "Other", ""],
}

INDUSTRY_SPELLINGS: dict[str, list[str]] = {
    "software": ["Software", "software", "SaaS", "Computer Software", "Information Technology & Services"],
    "financial_services": ["Financial Services", "Fintech", "FinTech", "Banking"],
    "healthcare": ["Healthcare", "Health Care", "Hospital & Health Care"],
    "retail": ["Retail", "E-commerce", "ecommerce"],
    "manufacturing": ["Manufacturing", "Industrial"],
    "education": ["Education", "EdTech", "Higher Education"],
    "media": ["Media", "Marketing & Advertising", "Entertainment"],
    "professional_services": ["Professional Services", "Consulting", "Management Consulting"],
    "nonprofit": ["Non-profit", "Nonprofit", "NGO"],
    "other": ["Other", "other", ""],
}

CURRENCIES: dict[str, float] = {
    # currency -> share of orders; staging converts with seeds/currency_rates.csv
    "USD": 0.55, "EUR": 0.2, "GBP": 0.1, "CAD": 0.04, "AUD": 0.04, "JPY": 0.03, "INR": 0.02, "BRL": 0.02,
}
CURRENCY_SPELLINGS_EXTRA = ["usd", " eur", "Gbp"]  # case/whitespace dirt; staging upper-cases and trims
UNKNOWN_CURRENCIES = ["XXX", "BTC", "??"]

PLANS: list[str] = ["free", "starter", "pro", "enterprise"]  # ordered: the last is the top tier
SUBSCRIPTION_STATUSES: list[str] = ["active", "trialing", "past_due", "canceled"]

BUSINESS_MODELS: list[str] = ["B2B", "b2b", "B2C", "b2c", "B2B2C", "Marketplace"]
TECH_CRM = ["HubSpot", "Salesforce", "Pipedrive", "Zoho CRM", None]
TECH_MARKETING_AUTOMATION = ["HubSpot", "Marketo", "Mailchimp", "Braze", None]
TECH_DATABASE = ["PostgreSQL", "MySQL", "Snowflake", "BigQuery", "MongoDB", None]
TECH_ANALYTICS = ["Google Analytics", "Amplitude", "Mixpanel", "Looker", None]

EDUCATION = ["high_school", "some_college", "bachelors", "masters", "doctorate", None]
MARITAL_STATUS = ["single", "married", "divorced", "widowed", "domestic_partnership", None]
JOB_TITLES: dict[str, list[str]] = {
    # job role -> titles
    "engineering": ["Software Engineer", "Senior Engineer", "CTO", "Engineering Manager"],
    "marketing": ["Marketing Manager", "CMO", "Growth Lead"],
    "sales": ["Account Executive", "Sales Director", "VP Sales"],
    "finance": ["Controller", "CFO", "Accountant"],
    "operations": ["Operations Manager", "COO"],
    "executive": ["CEO", "Founder", "Managing Director"],
}
SENIORITY = ["entry", "mid", "senior", "manager", "director", "vp", "c_level", None]
LANGUAGES = ["en", "en-US", "de", "fr", "es", "pt-BR", "ja", "it", "nl", None]
ORIGINAL_SOURCES = ["organic_search", "paid_search", "social", "referral", "direct", "email", "offline"]
TIMEZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo",
             "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", None]

# Product vocabulary
LOGIN_EVENT = "login"
CORE_EVENTS = ["report_created", "invoice_created", "invoice_sent", "integration_connected"]
OTHER_EVENTS = ["feature_used", "dashboard_viewed", "export_created", "settings_updated"]
FEATURES = ["dashboards", "reports", "invoices", "integrations", "api", "exports", "automation", "alerts"]
DEVICE_TYPES = ["desktop", "mobile", "tablet"]
DEVICE_SPELLINGS_EXTRA = ["Desktop", "MOBILE", "Tablet"]
BROWSERS = ["Chrome 118.0.5993.70", "Chrome 119.0", "Firefox 119.0", "Safari 17.1", "Edge 119.0.2151", "Opera 104"]
OPERATING_SYSTEMS_DESKTOP = ["Windows 11", "Windows 10", "macOS 14.1", "Linux", "ChromeOS 118"]
OPERATING_SYSTEMS_MOBILE = ["iOS 17.1", "iOS 16.6", "Android 14", "Android 13", "iPadOS 17.1"]

# Survey vocabulary
MOTIVATIONS = ["save_time", "grow_revenue", "reduce_costs", "stay_compliant", "impress_clients"]
INTERESTS = ["automation", "analytics", "design", "finance", "marketing", "productivity"]
VALUES = ["reliability", "simplicity", "price", "innovation", "support_quality"]
PERSONALITY = ["pragmatist", "innovator", "skeptic", "loyalist", "explorer"]
MUST_HAVE_FEATURES = ["reports", "invoices", "integrations", "api", "automation", "mobile_app"]
SERVICE_NEEDS = ["guided_onboarding", "self_serve_docs", "dedicated_support", "training", "none"]
