{#-
    A double rounded to `digits` decimals, half away from zero, with the same IEEE result on every engine.
    DuckDB's round(double, n) is C's round(x * 10^n) / 10^n; Postgres has no round(double precision, integer)
    and its round(double precision) rounds ties to even, so elsewhere the same arithmetic is written out.
-#}
{% macro round_double(expression, digits=2) -%}
    {{ return(adapter.dispatch('round_double', 'segments')(expression, digits | int)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    {%- set scale = (10 ** digits) ~ '.0' -%}
    (
        sign(cast({{ expression }} as {{ type_double() }}) * {{ scale }})
        * case
            when abs(cast({{ expression }} as {{ type_double() }}) * {{ scale }})
                - floor(abs(cast({{ expression }} as {{ type_double() }}) * {{ scale }})) >= 0.5
                then ceil(abs(cast({{ expression }} as {{ type_double() }}) * {{ scale }}))
            else floor(abs(cast({{ expression }} as {{ type_double() }}) * {{ scale }}))
        end
        / {{ scale }}
    )
{%- endmacro %}

{% macro duckdb__round_double(expression, digits) -%}
    round(cast({{ expression }} as {{ type_double() }}), {{ digits }})
{%- endmacro %}
