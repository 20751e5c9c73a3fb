with

responses as (

    {{ select_kept('base_surveys__responses', [
        'record_id as answer_id', 'response_id', 'survey_name', 'question_id', 'question_text',
        'respondent_email', 'answer_text',
        "case when question_id in ('nps', 'csat') then cast(answer_number as integer) end as score",
        'submitted_at', 'loaded_at'
    ]) }}

)

select * from responses
