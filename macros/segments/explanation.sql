{#-
    Explanations: why an entity has its segment, as text a person reads ("logins_30d=17 >= 15; core_events_30d=2
    >= 1"). Every segment mart writes one in <segment column>_explanation (docs/registry.md, Explanations), and
    fct_segment_membership and fct_segment_transitions carry it. The text is the same on DuckDB, Postgres and
    Spark, so that `segments compare` holds explanations to the same standard as segments.
-#}

{#-
    A value as explanation text, the same on every engine: a whole number without decimals, any other number with
    two (rounded half away from zero), a boolean as true or false, a date as YYYY-MM-DD, a timestamp to the second,
    text as it is; null as null. kind: number, text, boolean, date, timestamp.
-#}
{% macro explain_value(expression, kind='number') -%}
    {%- if kind == 'number' -%}
        case
            when {{ expression }} is null then 'null'
            when abs({{ expression }}) < 1e15 and {{ expression }} = floor({{ expression }})
                then cast(cast({{ expression }} as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
            when abs({{ expression }}) < 1e15 then cast(cast({{ expression }} as decimal(38, 2)) as {{ dbt.type_string() }})
            else cast({{ expression }} as {{ dbt.type_string() }})
        end
    {%- elif kind == 'boolean' -%}
        case when {{ expression }} then 'true' when not {{ expression }} then 'false' else 'null' end
    {%- elif kind == 'timestamp' -%}
        coalesce(cast({{ dbt.date_trunc('second', expression) }} as {{ dbt.type_string() }}), 'null')
    {%- elif kind in ('text', 'date') -%}
        coalesce(cast({{ expression }} as {{ dbt.type_string() }}), 'null')
    {%- else -%}
        {{ exceptions.raise_compiler_error("explain_value: kind " ~ kind ~ " is not number, text, boolean, date or timestamp") }}
    {%- endif -%}
{%- endmacro %}

{#-
    One fact of an explanation: "<label>=<value><rest>", e.g. explain_fact('logins_30d', 'logins_30d', rest=' >= 15').
    label and rest are SQL text literals' contents, written by the model (not user input: custom segments quote
    theirs through sql_string and call explain_value directly).
-#}
{% macro explain_fact(label, expression, kind='number', rest='') -%}
    {{ dbt.concat(["'" ~ label ~ "='", explain_value(expression, kind)] + (["'" ~ rest ~ "'"] if rest else [])) }}
{%- endmacro %}

{#- Facts joined with "; ", skipping nulls (concat_ws does on every engine): a fact a case leaves out is absent. -#}
{% macro explain_all(facts) -%}
    concat_ws('; ', {{ facts | join(', ') }})
{%- endmacro %}
