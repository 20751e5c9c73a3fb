-- Each anonymous id that an identify call (up to as_of_date) tied to a user id. Events sent under the
-- anonymous id before sign-up belong to that user. If one anonymous id was tied to several users (a shared
-- device), the first identify wins.
with

identifies as (

    select * from {{ ref('stg_product__identifies') }}
    where
        occurred_at < {{ as_of_end_timestamp() }}
        and anonymous_id is not null
        and user_id is not null

),

first_identify as (

    select
        anonymous_id,
        user_id,
        row_number() over (partition by anonymous_id order by occurred_at, event_id) as identify_rank
    from identifies

)

select
    anonymous_id,
    user_id
from first_identify
where identify_rank = 1
