with reasons as (

    -- one row per text and reason: the most confident mention when mined twice
    select
        source,
        source_id,
        customer_id,
        reason,
        confidence,
        quote,
        method,
        model_version,
        row_number() over (
            partition by source, source_id, reason
            order by confidence desc, method, quote
        ) as mention_rank
    from {{ ref('stg_text_reasons') }}

),

texts as (

    select * from {{ ref('int_texts') }}

)

select
    cast({{ dbt.concat(['reasons.source', "':'", 'reasons.source_id', "':'", 'reasons.reason']) }}
        as varchar)
        as reason_mention_id,
    cast(reasons.source as varchar) as source,
    cast(reasons.source_id as varchar) as source_id,
    cast(coalesce(texts.customer_id, reasons.customer_id) as varchar) as customer_id,
    cast(texts.merchant_id as varchar) as merchant_id,
    cast(texts.country as varchar) as country,
    cast(texts.plan_type as varchar) as plan_type,
    cast(texts.text_date as date) as text_date,
    {{ month_start('texts.text_date') }} as text_month,
    cast(reasons.reason as varchar) as reason,
    cast(reasons.confidence as double) as confidence,
    cast(reasons.quote as varchar) as quote,
    cast(reasons.method as varchar) as method,
    cast(reasons.model_version as varchar) as model_version
from reasons
left join texts
    on texts.source = reasons.source
    and texts.source_id = reasons.source_id
where reasons.mention_rank = 1
