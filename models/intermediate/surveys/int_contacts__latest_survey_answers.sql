-- The latest answer of each contact to each survey question up to as_of_date (by submission time, then answer
-- id). Respondents are linked to contacts by normalized email; answers that link to no contact are counted in
-- data quality, not here.
with

responses as (

    select * from {{ ref('int_responses__as_of') }}

),

contact_emails as (

    select * from {{ ref('int_contacts__emails') }}

),

linked as (

    select
        contact_emails.contact_id,
        responses.question_id,
        responses.answer_id,
        responses.answer_text,
        responses.score,
        responses.submitted_at,
        row_number() over (
            partition by contact_emails.contact_id, responses.question_id
            order by responses.submitted_at desc, responses.answer_id desc
        ) as recency_rank
    from responses
    inner join contact_emails
        on responses.respondent_email = contact_emails.email

)

select
    contact_id,
    question_id,
    answer_id,
    answer_text,
    score,
    submitted_at
from linked
where recency_rank = 1
