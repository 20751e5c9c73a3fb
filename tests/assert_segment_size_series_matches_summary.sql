-- The size series' row of each segment on the build's as_of_date carries the segment's summary that day: the same
-- entities, net revenue, average NPS and active share as agg_segment_summary (BI charts both); a segment the series
-- keeps with 0 entities (emptied that day) has no summary row, earns 0 and has no NPS or active share.
with

series as (

    select * from {{ ref('agg_segment_size_daily') }}
    where as_of_date = {{ as_of_date() }}

),

summary as (

    select * from {{ ref('agg_segment_summary') }}

),

compared as (

    select
        series.segment_model,
        series.segment,
        series.entities,
        summary.entities as summary_entities,
        series.net_revenue,
        summary.net_revenue as summary_net_revenue,
        series.avg_nps,
        summary.avg_nps as summary_avg_nps,
        series.share_active,
        summary.share_active as summary_share_active
    from series
    left join summary
        on series.segment_model = summary.segment_model and series.segment = summary.segment

)

select * from compared
where
    (
        summary_entities is null
        and (entities <> 0 or net_revenue <> 0 or avg_nps is not null or share_active is not null)
    )
    or (
        summary_entities is not null
        and (
            entities <> summary_entities
            or net_revenue is distinct from summary_net_revenue
            or avg_nps is distinct from summary_avg_nps
            or share_active is distinct from summary_share_active
        )
    )
