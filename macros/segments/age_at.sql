{#- Whole years between a birth date and as_of_date (the age on as_of_date); null when the birth date is null. -#}
{% macro age_at_as_of(birth_date_expression) -%}
    (
        extract(year from {{ as_of_date() }}) - extract(year from {{ birth_date_expression }})
        - case
            when extract(month from {{ as_of_date() }}) * 100 + extract(day from {{ as_of_date() }})
                < extract(month from {{ birth_date_expression }}) * 100 + extract(day from {{ birth_date_expression }})
                then 1
            else 0
        end
    )
{%- endmacro %}
