// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// A plain ERC-20 for load tests. Two departures, both to keep the prepare phase short: the
/// exchange deployed with it is a trusted spender (no approval transaction per trader), and the
/// deployer mints to many holders in one transaction.
contract Token {
    string public name;
    string public symbol;
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    address public immutable owner;
    address public immutable exchange;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, address exchange_) {
        name = name_;
        symbol = symbol_;
        owner = msg.sender;
        exchange = exchange_;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        if (msg.sender != exchange) {
            uint256 allowed = allowance[from][msg.sender];
            require(allowed >= value, "allowance too low");
            if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        }
        _move(from, to, value);
        return true;
    }

    function mintMany(address[] calldata to, uint256 value) external {
        require(msg.sender == owner, "only the owner mints");
        for (uint256 i = 0; i < to.length; i++) {
            balanceOf[to[i]] += value;
            emit Transfer(address(0), to[i], value);
        }
        totalSupply += value * to.length;
    }

    function _move(address from, address to, uint256 value) private {
        uint256 held = balanceOf[from];
        require(held >= value, "insufficient balance");
        unchecked {
            balanceOf[from] = held - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
