-- One CRM contact per normalized email: the match key for product users and survey respondents. When two
-- contacts share an email, the earliest created (then the smallest id) wins.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}
    where email is not null

),

ranked as (

    select
        email,
        contact_id,
        row_number() over (partition by email order by created_at, contact_id) as email_rank
    from contacts

)

select
    email,
    contact_id
from ranked
where email_rank = 1
