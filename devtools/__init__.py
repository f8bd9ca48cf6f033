"""Test and development harnesses: demo data, throwaway servers and databases. Nothing at run time imports these."""
