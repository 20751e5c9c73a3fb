{#-
    Every change of segment, per entity and segmentation model, one row per change on the as_of_date it was
    first seen. Built forward, one as_of_date per run: the run compares today's membership with the last known
    segment of each entity (its latest row before as_of_date) and appends what differs.
    Re-running a date replaces that date; running an earlier date rewinds the history to it (the pre-hook deletes
    every row on or after as_of_date), so the table is always the truth of the runs in date order.
-#}
{{
    config(
        pre_hook="{% if is_incremental() %}{{ delete_rows(this, 'transition_date >= ' ~ as_of_date()) }}{% endif %}",
        post_hook="{{ delete_rows(this, 'entity_type = ' ~ sql_string('contact') ~ ' and entity_id in (' ~ erased_contact_ids() ~ ')') }}"
    )
}}
-- the post-hook removes erased people (their ids, from the erasure node):
-- depends_on: {{ ref('stg_compliance__erased_people') }}
{#- the history so far; on the first run an empty relation of the same shape -#}
{%- if is_incremental() -%}
    {%- set previous_rows_relation = this -%}
{%- else -%}
    {%- set previous_rows_relation -%}
        (
            select
                entity_type,
                entity_id,
                segment_model,
                segment as to_segment,
                as_of_date as transition_date
            from {{ ref('fct_segment_membership') }}
            where 1 = 0
        ) as no_history
    {%- endset -%}
{%- endif %}

with

membership as (

    select * from {{ ref('fct_segment_membership') }}

),

previous_rows as (

    select
        entity_type,
        entity_id,
        segment_model,
        to_segment,
        transition_date
    from {{ previous_rows_relation }}
    where transition_date < {{ as_of_date() }}

),

ranked as (

    select
        entity_type,
        entity_id,
        segment_model,
        to_segment,
        transition_date,
        row_number() over (
            partition by entity_type, entity_id, segment_model
            order by transition_date desc
        ) as recency
    from previous_rows

),

-- the last known segment of each entity (null when its last row is an exit)
previous_state as (

    select
        entity_type,
        entity_id,
        segment_model,
        to_segment as segment,
        transition_date
    from ranked
    where recency = 1

),

has_history as (

    select count(*) > 0 as has_rows from previous_state

),

compared as (

    select
        coalesce(membership.entity_type, previous_state.entity_type) as entity_type,
        coalesce(membership.entity_id, previous_state.entity_id) as entity_id,
        coalesce(membership.segment_model, previous_state.segment_model) as segment_model,
        previous_state.segment as from_segment,
        membership.segment as to_segment,
        membership.explanation,
        previous_state.transition_date as from_date
    from membership
    full outer join previous_state
        on
            membership.entity_type = previous_state.entity_type
            and membership.entity_id = previous_state.entity_id
            and membership.segment_model = previous_state.segment_model

),

changes as (

    select
        compared.entity_type,
        compared.entity_id,
        compared.segment_model,
        compared.from_segment,
        compared.to_segment,
        compared.explanation,
        compared.from_date,
        case
            when not has_history.has_rows then 'baseline'
            when compared.from_segment is null then 'entered'
            when compared.to_segment is null then 'exited'
            else 'moved'
        end as transition_type
    from compared
    cross join has_history
    where
        compared.from_segment is null
        or compared.to_segment is null
        or compared.from_segment <> compared.to_segment

)

select
    cast(entity_type as {{ dbt.type_string() }}) as entity_type,
    cast(entity_id as {{ dbt.type_string() }}) as entity_id,
    cast(segment_model as {{ dbt.type_string() }}) as segment_model,
    cast(from_segment as {{ dbt.type_string() }}) as from_segment,
    cast(to_segment as {{ dbt.type_string() }}) as to_segment,
    cast(transition_type as {{ dbt.type_string() }}) as transition_type,
    cast(from_date as date) as from_date,
    {{ as_of_date() }} as transition_date,
    cast(explanation as {{ dbt.type_string() }}) as explanation
from changes
-- an entity that had already exited and is still absent is not a change
where not (from_segment is null and to_segment is null)
