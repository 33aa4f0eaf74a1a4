"""Stand-in for modelscope.hub.api.HubApi: login accepts any token."""


class HubApi:
    def login(self, token):
        return token
