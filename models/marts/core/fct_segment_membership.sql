-- Long form of every segmentation: one row per entity and segmentation model with the entity's segment on
-- as_of_date, and why (the mart's explanation column). The same truth as the seg_ marts, shaped for "how many in
-- each segment" and "why is this contact here" questions.
with

memberships as (

    {% for model in segment_models() %}
        select
            cast('{{ model.entity_type }}' as {{ dbt.type_string() }}) as entity_type,
            cast({{ model.key }} as {{ dbt.type_string() }}) as entity_id,
            cast('{{ model.name }}' as {{ dbt.type_string() }}) as segment_model,
            cast({{ model.segment_column }} as {{ dbt.type_string() }}) as segment,
            cast({{ model.explanation_column }} as {{ dbt.type_string() }}) as explanation,
            as_of_date
        from {{ ref(model.mart) }}
        {% if not loop.last %}
            union all
        {% endif %}
    {% endfor %}

)

select * from memberships
