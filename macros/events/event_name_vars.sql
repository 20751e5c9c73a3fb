{#-
    The event names that count as a login and as core events (SEGMENTS.md, behavioral): vars login_events and
    core_events, or, when a var is null (the default), the events adapter's default (docs/adapters.md). Names are
    compared lower-cased, as staging stores event_name, so `Signed In` and `signed in` are the same name.
      generic:               login            | report_created, invoice_created, invoice_sent, integration_connected
      segment, rudderstack:  signed in        | the generic core events
      snowplow:              login, signed in | the generic core events
    Segment's and RudderStack's specs name the login `Signed In`; Snowplow has no spec: its struct events usually
    carry `login` as se_action, and trackers that follow Segment's names send `signed in`.
-#}
{% macro event_names_default(kind) -%}
    {%- set core = ['report_created', 'invoice_created', 'invoice_sent', 'integration_connected'] -%}
    {%- set defaults = {
        'generic': {'login': ['login'], 'core': core},
        'segment': {'login': ['signed in'], 'core': core},
        'rudderstack': {'login': ['signed in'], 'core': core},
        'snowplow': {'login': ['login', 'signed in'], 'core': core},
    } -%}
    {%- set adapter_name = 'generic' if raw_table_is_absent('tracks') else raw_table_adapter('tracks') -%}
    {{ return(defaults[adapter_name][kind]) }}
{%- endmacro %}

{% macro event_names_var(var_name, kind) -%}
    {%- set names = var(var_name, none) -%}
    {%- if names is none -%}
        {%- set names = event_names_default(kind) -%}
    {%- elif names is string -%}
        {%- set names = [names] -%}
    {%- endif -%}
    {{ return(names | map('lower') | list) }}
{%- endmacro %}

{% macro login_event_names() -%}
    {{ return(event_names_var('login_events', 'login')) }}
{%- endmacro %}

{% macro core_event_names() -%}
    {{ return(event_names_var('core_events', 'core')) }}
{%- endmacro %}
