-- The kept survey answers submitted up to as_of_date: what the survey profile and data quality count.
with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

submitted as (

    select *
    from responses
    where submitted_at < {{ as_of_end_timestamp() }}

)

select * from submitted
