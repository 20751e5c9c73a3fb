{#-
    Matching a user agent against the ua-parser rules (macros/events/ua_parser_rules.sql, generated with the seed
    seeds/ua_parser_rules.csv by `python -m segments_warehouse.ua_rules`), per engine. Each pattern is written into
    the SQL as a string literal, so each engine compiles it once per query, not once per row (ua_rule_forms):
    `match`, whether the pattern matches anywhere in the text (uap's search semantics); `group`, the first capture
    group (only used where the rule's family uses $1, so the pattern has a group: Spark fails on a group index the
    pattern lacks).
    The literal's escaping is the engine's: DuckDB and Postgres (standard_conforming_strings, on by default since
    9.1) take a backslash as itself and double a quote; Spark's parser reads backslash escapes, so a backslash is
    doubled and a quote escaped. Postgres's regex engine reads \b as a backspace: it is rewritten to its word
    boundary \y.
-#}
{#-
    How this engine writes a ua-parser rule (looked up once per expression, not once per rule: 1,259 dispatches
    cost seconds of compile per model): `match` and `group` with @TEXT@ and @PATTERN@ to fill in, and the
    replacements, in order, that turn a pattern into the text between the quotes of its string literal
    (tests/python/test_user_agent_rules.py runs the known user agents on each engine).
-#}
{% macro ua_rule_forms() -%}
    {{ return(adapter.dispatch('ua_rule_forms', 'segments')()) }}
{%- endmacro %}

{% macro default__ua_rule_forms() -%}
    {{ return({'match': "regexp_matches(@TEXT@, '@PATTERN@')", 'group': "regexp_extract(@TEXT@, '@PATTERN@', 1)",
               'escapes': [["'", "''"]]}) }}
{%- endmacro %}

{% macro postgres__ua_rule_forms() -%}
    {{ return({'match': "@TEXT@ ~ '@PATTERN@'", 'group': "substring(@TEXT@ from '@PATTERN@')",
               'escapes': [['\\b', '\\y'], ["'", "''"]]}) }}
{%- endmacro %}

{% macro spark__ua_rule_forms() -%}
    {{ return({'match': "@TEXT@ rlike '@PATTERN@'", 'group': "regexp_extract(@TEXT@, '@PATTERN@', 1)",
               'escapes': [['\\', '\\\\'], ["'", "\\'"]]}) }}
{%- endmacro %}

{#-
    The family of the first rule of `kind` whose pattern matches `text`, as one case expression in rule order (the
    first true branch wins), with uap's `$1` replaced by the first group (empty when the group took no part);
    null where no rule matches or the family is uap's "Other". Only `$1` is replaced, as uap's own family
    replacements use it (a device rule's `$2` stays as written).
-#}
{% macro ua_first_family(text, kind) -%}
{%- set forms = ua_rule_forms() -%}
{%- set match_form = forms['match'] | replace('@TEXT@', text) -%}
{%- set group_form = forms['group'] | replace('@TEXT@', text) -%}
nullif(trim(case
{%- set rules = ua_parser_rule_list()[kind] -%}
{#- var ua_parser_rule_limit: only the first rules of each kind, for `make lint` alone (.sqlfluff): it lints the
    SQL written by hand around the generated branches, which cost sqlfluff minutes per model and are checked by
    tests/python/test_user_agent_rules.py instead. Never set it for a build: user agents would go unparsed. -#}
{%- set limit = var('ua_parser_rule_limit', none) -%}
{%- for pattern, family in (rules[:limit | int] if limit is not none else rules) %}
    {%- set ns = namespace(escaped=pattern) %}
    {%- for old, new in forms['escapes'] %}{% set ns.escaped = ns.escaped | replace(old, new) %}{% endfor %}
            when {{ match_form | replace('@PATTERN@', ns.escaped) }} then
            {%- if family == '$1' %} coalesce({{ group_form | replace('@PATTERN@', ns.escaped) }}, '')
            {%- elif '$1' in family %} replace('{{ family }}', '$1', coalesce({{ group_form | replace('@PATTERN@', ns.escaped) }}, ''))
            {%- else %} '{{ family }}'
            {%- endif %}
{%- endfor %}
        end), 'Other')
{%- endmacro %}

{#-
    CTEs user_agent_* over the distinct user agents of raw relations, ending with `user_agents_parsed`: per user
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
    The relations are unioned (`union`, so distinct); a single relation is read as it is, so it must hold each
    user agent once (base_product__raw_user_agents does).
-#}
{% macro user_agent_ctes(raw_relations) -%}
user_agents as (

    {% for raw_relation in raw_relations -%}
        select context_user_agent as raw_value
        from {{ raw_relation }}
        where context_user_agent is not null
        {% if not loop.last %}union{% endif %}
    {% endfor %}

),

user_agent_families as (

    select
        raw_value,
        {{ ua_first_family('raw_value', 'browser') }} as browser_family,
        {{ ua_first_family('raw_value', 'os') }} as os_family,
        {{ ua_first_family('raw_value', 'device') }} as device_family
    from user_agents

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
