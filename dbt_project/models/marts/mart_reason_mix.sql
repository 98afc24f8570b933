select
    text_month,
    cast(source as varchar) as source,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    cast(reason as varchar) as reason,
    cast(count(*) as bigint) as mentions,
    {{ stable_amount(exact_sum('confidence')) }} as confidence_sum
from {{ ref('mart_default_reasons') }}
group by text_month, source, merchant_id, country, plan_type, reason
