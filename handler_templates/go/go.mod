module ddbwizard/echo

go 1.19
