{{ config(materialized='view') }}

{#- Installments with their plan, customer and merchant, and the amount in the reporting currency
    at the rate of the due date. -#}

with installments as (

    select * from {{ ref('stg_installments') }}

),

plans as (

    select * from {{ ref('stg_plans') }}

),

customers as (

    select customer_id, country, timezone from {{ ref('stg_customers') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

)

select
    installments.installment_id,
    installments.plan_id,
    plans.customer_id,
    plans.merchant_id,
    customers.country,
    plans.plan_type,
    plans.payment_method,
    plans.currency,
    plans.installment_count,
    cast(plans.purchased_at as date) as purchase_date,
    installments.sequence,
    installments.due_date,
    cast(installments.amount as double) as amount_local,
    fx.rate_to_reporting as fx_rate_due,
    cast(installments.amount as double) * fx.rate_to_reporting as amount
from installments
inner join plans on plans.plan_id = installments.plan_id
inner join customers on customers.customer_id = plans.customer_id
left join fx
    on fx.currency = plans.currency
    and fx.date_day = installments.due_date
