{#-
    The size of every segment on every as_of_date built, with how many entities moved in and out that day, and
    the segment's net revenue, average NPS and share of active users that day: the series BI charts to show
    segments growing, shrinking, moving and earning. Built forward like fct_segment_transitions: re-running a
    date replaces it, running an earlier date rewinds the series to it. Dates stored before the revenue, NPS and
    activity columns existed keep them null (append_new_columns).
-#}
{{
    config(
        on_schema_change='append_new_columns',
        pre_hook="{% if is_incremental() %}{{ delete_rows(this, 'as_of_date >= ' ~ as_of_date()) }}{% endif %}"
    )
}}

with

membership as (

    select * from {{ ref('fct_segment_membership') }}

),

transitions as (

    select * from {{ ref('fct_segment_transitions') }}
    where transition_date = {{ as_of_date() }}

),

summary as (

    select * from {{ ref('agg_segment_summary') }}

),

sizes as (

    select
        segment_model,
        segment,
        count(*) as entities
    from membership
    group by segment_model, segment

),

totals as (

    select
        segment_model,
        count(*) as model_entities
    from membership
    group by segment_model

),

moved_in as (

    select
        segment_model,
        to_segment as segment,
        sum(case when transition_type = 'entered' then 1 else 0 end) as entered,
        sum(case when transition_type = 'moved' then 1 else 0 end) as moved_in
    from transitions
    where transition_type in ('entered', 'moved')
    group by segment_model, to_segment

),

moved_out as (

    select
        segment_model,
        from_segment as segment,
        sum(case when transition_type = 'exited' then 1 else 0 end) as exited,
        sum(case when transition_type = 'moved' then 1 else 0 end) as moved_out
    from transitions
    where transition_type in ('exited', 'moved')
    group by segment_model, from_segment

),

-- a segment emptied today still gets a row (0 entities), so its exits are charted
segments as (

    select
        segment_model,
        segment
    from sizes
    union
    select
        segment_model,
        segment
    from moved_out

)

select
    cast(segments.segment_model as {{ dbt.type_string() }}) as segment_model,
    cast(segments.segment as {{ dbt.type_string() }}) as segment,
    cast(coalesce(sizes.entities, 0) as {{ dbt.type_bigint() }}) as entities,
    cast(coalesce(sizes.entities, 0) as {{ type_double() }}) / totals.model_entities as share_of_total,
    cast(coalesce(moved_in.entered, 0) as {{ dbt.type_bigint() }}) as entered,
    cast(coalesce(moved_in.moved_in, 0) as {{ dbt.type_bigint() }}) as moved_in,
    cast(coalesce(moved_out.moved_out, 0) as {{ dbt.type_bigint() }}) as moved_out,
    cast(coalesce(moved_out.exited, 0) as {{ dbt.type_bigint() }}) as exited,
    -- a segment emptied today earns nothing; its NPS and activity are unknown (no members)
    cast(coalesce(summary.net_revenue, 0) as {{ type_double() }}) as net_revenue,
    cast(summary.avg_nps as {{ type_double() }}) as avg_nps,
    cast(summary.share_active as {{ type_double() }}) as share_active,
    {{ as_of_date() }} as as_of_date
from segments
inner join totals
    on segments.segment_model = totals.segment_model
left join sizes
    on segments.segment_model = sizes.segment_model and segments.segment = sizes.segment
left join moved_in
    on segments.segment_model = moved_in.segment_model and segments.segment = moved_in.segment
left join moved_out
    on segments.segment_model = moved_out.segment_model and segments.segment = moved_out.segment
left join summary
    on segments.segment_model = summary.segment_model and segments.segment = summary.segment
