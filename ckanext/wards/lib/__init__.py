"""Small shared helpers of ckanext-wards (one function per idea): ``fetch`` is the safe
fetcher every outbound request goes through."""
