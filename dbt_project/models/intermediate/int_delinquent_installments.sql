{{ config(materialized='table') }}

-- The installments that fell overdue (a small share of all), with their payment status: what the
-- collection models (spells, cases, recoveries) start from.

select *
from {{ ref('int_installment_payment_status') }}
where was_delinquent
