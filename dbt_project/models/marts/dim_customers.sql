with customers as (

    select * from {{ ref('stg_customers') }}

),

plan_counts as (

    select
        customer_id,
        count(*) as plans,
        min(cast(purchased_at as date)) as first_purchase_date
    from {{ ref('stg_plans') }}
    group by customer_id

)

select
    cast(customers.customer_id as varchar) as customer_id,
    cast(customers.country as varchar) as country,
    cast(customers.timezone as varchar) as timezone,
    cast(customers.language as varchar) as language,
    cast(
        case
            when customers.birth_year is null then 'unknown'
            else {{ dbt.concat([
                'cast(cast(floor(customers.birth_year / 10) * 10 as integer) as ' ~ dbt.type_string() ~ ')',
                "'s'"]) }}
        end as varchar
    ) as birth_year_band,
    cast(customers.created_at as date) as created_date,
    cast(coalesce(plan_counts.plans, 0) as bigint) as plans,
    cast(plan_counts.first_purchase_date as date) as first_purchase_date,
    coalesce(plan_counts.plans, 0) > 1 as is_multi_plan
from customers
left join plan_counts on plan_counts.customer_id = customers.customer_id
