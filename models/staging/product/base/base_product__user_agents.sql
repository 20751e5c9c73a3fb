{#-
    Every distinct user agent of the raw tracks and pages (base_product__raw_user_agents), parsed once with
    ua-parser's rules (macros/user_agent_rules.sql): its browser, OS and device families and the device type
    derived from them. Read by base_product__tracks and base_product__pages, where an event has no explicit
    device, OS or browser. The
    1,259-rule expression is planned once per build here (about two seconds on DuckDB), instead of in both
    event models, and a user agent on both tables is parsed once.
-#}
with

{{ user_agent_ctes([ref('base_product__raw_user_agents')]) }}

select
    raw_value as context_user_agent,
    browser_family,
    os_family,
    device_type
from user_agents_parsed
