{#-
    Matching a user agent against the ua-parser rules of seeds/ua_parser_rules.csv, whose patterns are column
    values (not literals), per engine. ua_rule_matches: whether the pattern matches anywhere in the text (uap's
    search semantics). ua_rule_first_group: the first capture group (only called where the rule's family uses $1,
    so the pattern has a group: Spark fails on a group index the pattern lacks).
    Postgres's regex engine reads \b as a backspace: it is rewritten to its word boundary \y.
-#}
{% macro ua_rule_matches(text, pattern) -%}
    {{ return(adapter.dispatch('ua_rule_matches', 'segments')(text, pattern)) }}
{%- endmacro %}

{% macro default__ua_rule_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__ua_rule_matches(text, pattern) -%}
    {{ text }} ~ replace({{ pattern }}, '\b', '\y')
{%- endmacro %}

{% macro spark__ua_rule_matches(text, pattern) -%}
    {{ text }} rlike {{ pattern }}
{%- endmacro %}

{% macro ua_rule_first_group(text, pattern) -%}
    {{ return(adapter.dispatch('ua_rule_first_group', 'segments')(text, pattern)) }}
{%- endmacro %}

{% macro default__ua_rule_first_group(text, pattern) -%}
    regexp_extract({{ text }}, {{ pattern }}, 1)
{%- endmacro %}

{% macro postgres__ua_rule_first_group(text, pattern) -%}
    substring({{ text }} from replace({{ pattern }}, '\b', '\y'))
{%- endmacro %}

{#-
    CTEs user_agent_* over the distinct user agents of a raw relation, ending with `user_agents_parsed`: per user
    agent, the browser, OS and device families of the first matching rule of each kind (uap's order), and the
    device type derived from them (docs/raw_contract.md, "Device, browser and OS from the user agent"):
      - no device type for a crawler (device family Spider): its events are nobody's device;
      - tablet: device family iPad, a family naming a tablet or Kindle, or Android without the "Mobile" token
        (Android tablets' browsers leave it out);
      - mobile: a mobile OS (iOS, Android, Windows Phone, BlackBerry OS, KaiOS, Symbian OS, Firefox OS) or any
        recognized device family other than Mac (phones, generic smartphones);
      - desktop: any other recognized OS (Windows, Mac OS X, Linux, Ubuntu, Chrome OS, ...);
      - else (nothing recognized, garbage) null, like a missing explicit value.
    uap's "Other" (no rule matched) is null.
-#}
{% macro user_agent_ctes(raw_relation) -%}
user_agents as (

    select distinct context_user_agent as raw_value
    from {{ raw_relation }}
    where context_user_agent is not null

),

user_agent_matches as (

    select
        user_agents.raw_value,
        rules.rule_kind,
        rules.rule_order,
        case
            when rules.family like '%$1%'
                then replace(rules.family, '$1', coalesce({{ ua_rule_first_group('user_agents.raw_value', 'rules.pattern') }}, ''))
            else rules.family
        end as family
    from user_agents
    cross join {{ ref('ua_parser_rules') }} as rules
    where {{ ua_rule_matches('user_agents.raw_value', 'rules.pattern') }}

),

user_agent_first_matches as (

    select
        raw_value,
        rule_kind,
        nullif(trim(family), 'Other') as family,
        row_number() over (partition by raw_value, rule_kind order by rule_order) as match_rank
    from user_agent_matches

),

user_agent_families as (

    select
        raw_value,
        max(case when rule_kind = 'browser' then family end) as browser_family,
        max(case when rule_kind = 'os' then family end) as os_family,
        max(case when rule_kind = 'device' then family end) as device_family
    from user_agent_first_matches
    where match_rank = 1
    group by raw_value

),

user_agents_parsed as (

    select
        raw_value,
        case when coalesce(device_family, '') <> 'Spider' then lower(browser_family) end as browser_family,
        case when coalesce(device_family, '') <> 'Spider' then lower(os_family) end as os_family,
        case
            when device_family = 'Spider' then null
            when device_family = 'iPad' or lower(device_family) like '%tablet%' or lower(device_family) like '%kindle%'
                or (os_family = 'Android' and raw_value not like '%Mobile%')
                then 'tablet'
            when os_family in ('iOS', 'Android', 'Windows Phone', 'BlackBerry OS', 'KaiOS', 'Symbian OS', 'Firefox OS')
                or (device_family is not null and device_family <> 'Mac')
                then 'mobile'
            when os_family is not null then 'desktop'
        end as device_type
    from user_agent_families

)
{%- endmacro %}
