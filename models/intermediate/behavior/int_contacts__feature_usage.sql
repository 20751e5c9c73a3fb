-- One row per contact and feature used (feature_used events), with the first and last use up to as_of_date.
-- A feature counts in distinct_features_30d when its last use falls in the window.
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where
        contact_id is not null
        and event_name = {{ sql_string(var('feature_event')) }}
        and feature is not null

),

usage as (

    select
        contact_id,
        feature,
        count(*) as uses,
        min(occurred_at) as first_used_at,
        max(occurred_at) as last_used_at
    from events
    group by contact_id, feature

)

select * from usage
