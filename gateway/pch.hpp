#pragma once
// Precompiled for the gateway and everything that uses Asio or Beast.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include <expected>
#include <memory>
#include <string>
#include <vector>
