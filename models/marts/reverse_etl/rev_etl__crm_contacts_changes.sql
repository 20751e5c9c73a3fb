-- The change feed: rows of the reverse-ETL feed whose properties differ from what was last exported (or were
-- never exported). A view, so it always compares against the current sync state: right after an export it is
-- empty, without a rebuild. The segments' date alone changing does not make a row change.
with

feed as (

    select * from {{ ref('rev_etl__crm_contacts') }}

),

sync_state as (

    select * from {{ source('reverse_etl', 'sync_state') }}

),

changed as (

    select feed.*
    from feed
    left join sync_state
        on feed.email = sync_state.email
    where
        sync_state.email is null
        or sync_state.properties_hash <> feed.properties_hash

)

select * from changed
