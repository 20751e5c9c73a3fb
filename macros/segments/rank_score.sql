{#-
    SEGMENTS.md's score(metric) = least(5, 1 + floor(5 * percent_rank() over (order by metric))), computed from
    rank() and count() so every engine gets the same integer: percent_rank = (rank - 1) / (n - 1), 0 when n = 1,
    and the floor of an exact quotient of integers never lands on the wrong side of a bucket edge.
    Ties share a rank, so they share a score. Use inside a select over the scored population only.
-#}
{% macro rank_score(order_by, buckets=5) -%}
    case
        when count(*) over () = 1 then 1
        else least(
            {{ buckets }},
            1 + cast(floor(
                cast({{ buckets }} * (rank() over (order by {{ order_by }}) - 1) as {{ type_double() }})
                / (count(*) over () - 1)
            ) as integer)
        )
    end
{%- endmacro %}

{#- percent_rank() over (order by ...) written portably: (rank - 1) / (n - 1), 0 for a single row. -#}
{% macro portable_percent_rank(order_by) -%}
    case
        when count(*) over () = 1 then 0.0
        else cast(rank() over (order by {{ order_by }}) - 1 as {{ type_double() }}) / (count(*) over () - 1)
    end
{%- endmacro %}
