{#-
    A double rounded to `digits` decimals, half away from zero, with the same IEEE result on every engine.
    DuckDB's round(double, n) does not give C's round(x * 10^n) / 10^n on ties such as 61.29 / 2 (30.64, where the
    arithmetic below gives 30.65, as on Postgres: test-postgres found 43 such rows), so every engine uses it; Postgres has no round(double precision, integer)
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

