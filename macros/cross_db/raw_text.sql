{#-
    A raw value as text for a quarantine detail, written the same on every engine. A raw number column may be
    typed DOUBLE (the generator) or text (files loaded as CSV): text stays as it is; a whole double is written
    "-10.0" as DuckDB does, where Postgres would write "-10".
-#}
{% macro raw_text(expression) -%}
    {{ return(adapter.dispatch('raw_text', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__raw_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__raw_text(expression) -%}
    case
        when pg_typeof({{ expression }}) in ('double precision'::regtype, 'real'::regtype)
            and cast({{ expression }} as {{ dbt.type_string() }}) ~ '^-?[0-9]+$'
            then cast({{ expression }} as {{ dbt.type_string() }}) || '.0'
        else cast({{ expression }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- Spark writes a double in Java's form ("5.0E7" from 7 digits up): a whole double below 10^15 is written as
    digits and ".0", as DuckDB writes it. A fractional double of 10^7 or more keeps Java's form. -#}
{% macro spark__raw_text(expression) -%}
    {#- Spark type-checks every branch: the number branch reads the value cast to double (legal for any type). -#}
    {%- set number = 'cast(' ~ expression ~ ' as double)' -%}
    case
        when typeof({{ expression }}) = 'double' and abs({{ number }}) < 1e15 and {{ number }} = floor({{ number }})
            then concat(cast(cast({{ number }} as bigint) as string), '.0')
        else cast({{ expression }} as string)
    end
{%- endmacro %}
