{{ config(materialized='table') }}

{#- The contact rules that apply in each customer country: the country's own row of the seed
    contact_rules, else its default row (country '*'), column by column. One row per country the
    customers live in, so contacts and the compliance marts join rules on country alone. -#}

with countries as (

    select distinct country from {{ ref('stg_customers') }}

),

rules as (

    select * from {{ ref('contact_rules') }}

)

select
    countries.country,
    coalesce(country_rules.max_calls_per_7d, default_rules.max_calls_per_7d) as max_calls_per_7d,
    coalesce(country_rules.max_contacts_per_7d, default_rules.max_contacts_per_7d)
        as max_contacts_per_7d,
    coalesce(country_rules.earliest_local_hour, default_rules.earliest_local_hour)
        as earliest_local_hour,
    coalesce(country_rules.latest_local_hour, default_rules.latest_local_hour)
        as latest_local_hour
from countries
left join rules as country_rules on country_rules.country = countries.country
left join rules as default_rules on default_rules.country = '*'
