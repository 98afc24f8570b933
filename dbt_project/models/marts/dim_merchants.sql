with merchants as (

    select * from {{ ref('stg_merchants') }}

),

plan_counts as (

    select merchant_id, count(*) as plans
    from {{ ref('stg_plans') }}
    group by merchant_id

)

select
    cast(merchants.merchant_id as varchar) as merchant_id,
    cast(merchants.merchant_name as varchar) as merchant_name,
    cast(merchants.sector as varchar) as sector,
    cast(merchants.country as varchar) as country,
    cast(coalesce(plan_counts.plans, 0) as bigint) as plans
from merchants
left join plan_counts on plan_counts.merchant_id = merchants.merchant_id
