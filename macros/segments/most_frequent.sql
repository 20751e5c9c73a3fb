{#-
    From a relation with (contact_id, <value column>, events), the value with the most events per contact, ties
    broken alphabetically; null values never win. Emits a select with contact_id and the value aliased.
-#}
{% macro most_frequent(relation, value_column, alias) -%}
    select
        contact_id,
        {{ value_column }} as {{ alias }}
    from (
        select
            contact_id,
            {{ value_column }},
            row_number() over (
                partition by contact_id order by sum(events) desc, {{ value_column }}
            ) as frequency_rank
        from {{ relation }}
        where {{ value_column }} is not null
        group by contact_id, {{ value_column }}
    ) as ranked
    where frequency_rank = 1
{%- endmacro %}
