{#-
    The last complete UTC day that counts, as a SQL date literal. From var `as_of_date` (YYYY-MM-DD);
    unset, today in UTC at compile time, so one run uses one date throughout.
-#}
{% macro as_of_date() -%}
    cast('{{ as_of_date_string() }}' as date)
{%- endmacro %}

{% macro as_of_date_string() -%}
    {%- set raw = var('as_of_date', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{- modules.datetime.datetime.now(modules.pytz.utc).date().isoformat() -}}
    {%- else -%}
        {%- set text = raw | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error("var as_of_date must be a date written YYYY-MM-DD, got: " ~ text) }}
        {%- endif -%}
        {%- do modules.datetime.datetime.strptime(text, '%Y-%m-%d') -%}
        {{- text -}}
    {%- endif -%}
{%- endmacro %}
