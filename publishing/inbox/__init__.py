"""The social inbox: comments and replies on the school's own posts, read from the
school's accounts, answered on time (M2), harmful ones hidden (C3, I1-I3).

The way in beside the deliveries' way out; it lives in publishing because the
accounts it reads belong to publishing's account register. `readers/` are pure
adapters, one module per network; `services.py` holds every change of state.
"""
